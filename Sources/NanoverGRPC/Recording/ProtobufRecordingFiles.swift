import NanoverCore

/// Where ``NanoverRecorder`` writes the messages a gRPC server sends, as
/// they came: `GetFrameResponse`s and `StateUpdate`s, each stamped in
/// microseconds since the recording started.
public protocol ProtobufRecordingSink: Sendable {
    /// Writes one `GetFrameResponse`'s bytes, received `timestamp`
    /// microseconds after the recording started.
    func appendFrameResponse(_ message: [UInt8], at timestamp: UInt64) throws
    /// Writes one `StateUpdate`'s bytes, received `timestamp` microseconds
    /// after the recording started.
    func appendStateUpdate(_ message: [UInt8], at timestamp: UInt64) throws
    /// Finishes the files.
    func close() throws
}

/// A recording's `PREFIX.traj` (frames) and `PREFIX.state` (state
/// updates), holding gRPC messages: written as received by a recorder of a
/// server, or encoded from a session by ``SessionRecorder``.
public final class ProtobufRecordingFiles: ProtobufRecordingSink, SessionRecordingSink {
    /// The frames file, `PREFIX.traj`.
    public let framesPath: String
    /// The state file, `PREFIX.state`.
    public let statePath: String
    private let frames: RecordingWriter
    private let state: RecordingWriter

    /// Creates (or empties) both files.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public init(prefix: String) throws(RecordingError) {
        framesPath = prefix + ".traj"
        statePath = prefix + ".state"
        frames = try RecordingWriter(path: framesPath)
        state = try RecordingWriter(path: statePath)
    }

    /// Writes one `GetFrameResponse`'s bytes to the `.traj` file as an
    /// entry stamped `timestamp` (microseconds).
    ///
    /// - Throws: ``/NanoverCore/RecordingError`` when the file cannot be
    ///   written.
    public func appendFrameResponse(_ message: [UInt8], at timestamp: UInt64) throws {
        try frames.append(timestamp: timestamp, message: message)
    }

    /// Writes one `StateUpdate`'s bytes to the `.state` file as an entry
    /// stamped `timestamp` (microseconds).
    ///
    /// - Throws: ``/NanoverCore/RecordingError`` when the file cannot be
    ///   written.
    public func appendStateUpdate(_ message: [UInt8], at timestamp: UInt64) throws {
        try state.append(timestamp: timestamp, message: message)
    }

    public func append(_ frame: PublishedFrame, at timestamp: UInt64) throws(RecordingError) {
        try frames.append(.frame(frame, at: timestamp))
    }

    public func append(_ update: SubscriptionUpdate, at timestamp: UInt64) throws(RecordingError) {
        try state.append(.stateUpdate(update, at: timestamp))
    }

    /// Closes both files; each is complete after every append.
    public func close() {
        frames.close()
        state.close()
    }
}
