/// A recording to play back: its frames file (`.traj`), its state file
/// (`.state`), or both, and a name to list it by.
public struct PlaybackRecording: Sendable, Hashable {
    public var name: String
    public var framesPath: String?
    public var statePath: String?

    public init(name: String, framesPath: String?, statePath: String?) {
        self.name = name
        self.framesPath = framesPath
        self.statePath = statePath
    }

    /// A recording from one or two paths, told apart by their extensions;
    /// named after the first one's file name without its extension, as the
    /// reference names it.
    ///
    /// - Throws: ``PlaybackError/badPaths(_:)`` for no path, a path ending
    ///   neither in `.traj` nor `.state`, or two of one kind.
    public init(paths: [String]) throws(PlaybackError) {
        let frames = paths.filter { $0.hasSuffix(".traj") }
        let state = paths.filter { $0.hasSuffix(".state") }
        guard let first = paths.first, frames.count <= 1, state.count <= 1, frames.count + state.count == paths.count else {
            throw .badPaths(paths)
        }
        let fileName = first.split(separator: "/").last.map(String.init) ?? first
        self.init(name: Self.withoutExtension(fileName), framesPath: frames.first, statePath: state.first)
    }

    /// A path without its last extension: `run.1.traj` is `run.1`.
    package static func withoutExtension(_ path: String) -> String {
        path.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
    }
}

/// Turns a recording's entries into frames and state changes: the protocol
/// adapter whose messages the files hold provides one.
public protocol RecordingDecoder: Sendable {
    func frame(from entry: RecordingEntry) throws -> ReceivedFrame
    func stateChange(from entry: RecordingEntry) throws -> StateChange
}

/// Why playback cannot do what was asked.
public enum PlaybackError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Paths that do not make one recording.
    case badPaths([String])
    /// A recording file cannot be read.
    case unreadable(path: String, RecordingError)
    /// A recording's entry cannot be decoded.
    case undecodable(path: String, entry: Int, reason: String)

    public var description: String {
        switch self {
        case .badPaths(let paths):
            return "a recording is one NAME.traj, one NAME.state, or one of each, not \(paths)"
        case .unreadable(let path, let error):
            return "\(path): \(error)"
        case .undecodable(let path, let entry, let reason):
            return "\(path): entry \(entry) cannot be read: \(reason)"
        }
    }
}
