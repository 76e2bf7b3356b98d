import NanoverCore

extension NanoverClient {
    /// The playback commands of the server's frame source (a simulation
    /// runner or a recording player), by their NanoVer names.
    public var playback: Playback { Playback(client: self) }

    /// Runs the `playback/` commands on a client's server.
    public struct Playback: Sendable {
        let client: NanoverClient

        /// Plays (`playback/play`).
        public func play() async throws { _ = try await client.runCommand(PlaybackCommand.play) }
        /// Pauses (`playback/pause`).
        public func pause() async throws { _ = try await client.runCommand(PlaybackCommand.pause) }
        /// Starts the simulation over (`playback/reset`).
        public func reset() async throws { _ = try await client.runCommand(PlaybackCommand.reset) }
        /// Pauses, then advances one step (`playback/step`).
        public func step() async throws { _ = try await client.runCommand(PlaybackCommand.step) }
        /// Loads the next simulation (`playback/next`).
        public func next() async throws { _ = try await client.runCommand(PlaybackCommand.next) }

        /// Loads the simulation at `index` of ``list()`` (`playback/load`).
        public func load(index: Int) async throws {
            _ = try await client.runCommand(PlaybackCommand.load, arguments: ["index": .int(Int64(index))])
        }

        /// The simulations the server can load, in order (`playback/list`).
        ///
        /// - Throws: ``PlaybackError/unexpectedList(_:)`` when the result
        ///   holds no list of names.
        public func list() async throws -> [String] {
            let result = try await client.runCommand(PlaybackCommand.list)
            guard let names = result["simulations"]?.listValue?.compactMap(\.stringValue),
                  names.count == result["simulations"]?.listValue?.count
            else { throw PlaybackError.unexpectedList(result) }
            return names
        }
    }
}

/// A playback command's result is not what the contract says.
public enum PlaybackError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `playback/list` returned no `simulations` list of names.
    case unexpectedList(NanoverStruct)

    public var description: String {
        switch self {
        case .unexpectedList(let result):
            return "playback/list returned no list of simulation names: \(result)"
        }
    }
}
