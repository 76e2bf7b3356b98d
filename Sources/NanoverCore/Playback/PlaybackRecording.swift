/// A recording to play back: its frames file (`.traj`), its state file
/// (`.state`), or both; or one file of whole messages (`.nanover.zip`, the
/// NanoVer 2026 format); and a name to list it by.
public struct PlaybackRecording: Sendable, Hashable {
    /// The file name ending of the NanoVer 2026 recording format.
    public static let messagesExtension = ".nanover.zip"

    /// The name `playback/list` lists it by.
    public var name: String
    /// The `.traj` file of its frames, if it has one.
    public var framesPath: String?
    /// The `.state` file of its state changes, if it has one.
    public var statePath: String?
    /// A `.nanover.zip`: frames and state changes in one file.
    public var messagesPath: String?

    /// A gRPC-era recording: a `.traj`, a `.state`, or both, played
    /// together.
    ///
    /// - Parameters:
    ///   - name: The name to list it by.
    ///   - framesPath: The `.traj` file, or nil for a recording of state
    ///     alone.
    ///   - statePath: The `.state` file, or nil for a recording of frames
    ///     alone.
    public init(name: String, framesPath: String?, statePath: String?) {
        self.name = name
        self.framesPath = framesPath
        self.statePath = statePath
    }

    /// A recording of one `.nanover.zip` file.
    ///
    /// - Parameters:
    ///   - name: The name to list it by.
    ///   - messagesPath: The `.nanover.zip` file.
    public init(name: String, messagesPath: String) {
        self.name = name
        self.messagesPath = messagesPath
    }

    /// A recording from one or two paths, told apart by their extensions;
    /// named after the first one's file name without its extension (without
    /// `.nanover.zip` for that format), as the reference names it.
    ///
    /// - Parameter paths: One or two paths, as `nanover-server --playback`
    ///   takes them: `A.traj A.state`, `A.traj`, `A.state` or
    ///   `A.nanover.zip`.
    /// - Throws: ``PlaybackError/badPaths(_:)`` for no path, a path ending
    ///   in none of `.traj`, `.state` and `.nanover.zip`, two of one kind, or
    ///   a `.nanover.zip` with another path.
    public init(paths: [String]) throws(PlaybackError) {
        guard let first = paths.first else { throw .badPaths(paths) }
        let fileName = first.split(separator: "/").last.map(String.init) ?? first
        if first.hasSuffix(Self.messagesExtension) {
            guard paths.count == 1 else { throw .badPaths(paths) }
            self.init(name: String(fileName.dropLast(Self.messagesExtension.count)), messagesPath: first)
            return
        }
        let frames = paths.filter { $0.hasSuffix(".traj") }
        let state = paths.filter { $0.hasSuffix(".state") }
        guard frames.count <= 1, state.count <= 1, frames.count + state.count == paths.count else {
            throw .badPaths(paths)
        }
        self.init(name: Self.withoutExtension(fileName), framesPath: frames.first, statePath: state.first)
    }

    /// A path without its last extension: `run.1.traj` is `run.1`.
    package static func withoutExtension(_ path: String) -> String {
        path.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
    }
}

/// Turns the entries of `.traj` and `.state` recordings into frames and
/// state changes: the protocol adapter whose messages the files hold
/// provides one (`ProtobufRecordingDecoder` in `NanoverGRPC`, since the
/// files hold gRPC messages).
public protocol RecordingDecoder: Sendable {
    /// The frame a `.traj` entry holds.
    ///
    /// - Parameter entry: An entry of a `.traj` file.
    /// - Returns: The frame and its recorded index.
    /// - Throws: Any error, for an entry that is not a frame message;
    ///   playback then stops with ``PlaybackError/undecodable(path:entry:reason:)``.
    func frame(from entry: RecordingEntry) throws -> ReceivedFrame
    /// The state change a `.state` entry holds.
    ///
    /// - Parameter entry: An entry of a `.state` file.
    /// - Returns: The change: keys set and keys removed.
    /// - Throws: Any error, for an entry that is not a state message;
    ///   playback then stops with ``PlaybackError/undecodable(path:entry:reason:)``.
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
    /// A recording of a format this player was not given a reader for.
    case unsupportedFormat(path: String)

    /// The error in words, naming the file.
    public var description: String {
        switch self {
        case .badPaths(let paths):
            return "a recording is one NAME.traj, one NAME.state, one of each, or one NAME.nanover.zip, not \(paths)"
        case .unreadable(let path, let error):
            return "\(path): \(error)"
        case .undecodable(let path, let entry, let reason):
            return "\(path): entry \(entry) cannot be read: \(reason)"
        case .unsupportedFormat(let path):
            return "\(path): this player reads no recordings of this format"
        }
    }
}
