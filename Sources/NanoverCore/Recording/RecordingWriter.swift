/// Writes a recording file: the header at once, then each entry in one
/// write, so that a recording stopped at any moment (a crash included)
/// leaves a file readable up to its last complete entry.
///
/// Safe to call from any thread; entries are written in the order the
/// calls reach it.
public final class RecordingWriter: Sendable {
    /// The file written.
    public let path: String
    private let file: OutputFile

    /// Creates (or empties) the file at `path` and writes the header.
    ///
    /// - Parameter path: The file, by NanoVer custom `NAME.traj` for frames
    ///   and `NAME.state` for state updates.
    /// - Throws: ``RecordingError/io(path:operation:errno:)``.
    public init(path: String) throws(RecordingError) {
        self.path = path
        file = try OutputFile(creating: path)
        var header: [UInt8] = []
        header.appendLittleEndian(RecordingFormat.magicNumber)
        header.appendLittleEndian(RecordingFormat.version)
        try file.append(header)
    }

    /// Appends an entry: `message` at `timestamp` microseconds since the
    /// recording started.
    ///
    /// - Parameters:
    ///   - timestamp: Microseconds since the recording started.
    ///   - message: The message's bytes, in the protocol's encoding (a
    ///     `GetFrameResponse` in `.traj`, a `StateUpdate` in `.state`).
    /// - Throws: ``RecordingError/io(path:operation:errno:)``, also when
    ///   the writer is closed.
    public func append(timestamp: UInt64, message: [UInt8]) throws(RecordingError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(RecordingFormat.entryHeaderSize + message.count)
        bytes.appendLittleEndian(timestamp)
        bytes.appendLittleEndian(UInt64(0))
        bytes.appendLittleEndian(UInt64(message.count))
        bytes += message
        try file.append(bytes)
    }

    /// Appends an entry.
    ///
    /// - Parameter entry: Its timestamp and message.
    /// - Throws: ``RecordingError/io(path:operation:errno:)``, also when
    ///   the writer is closed.
    public func append(_ entry: RecordingEntry) throws(RecordingError) {
        try append(timestamp: entry.timestamp, message: entry.message)
    }

    /// Closes the file. Idempotent.
    public func close() {
        file.close()
    }
}
