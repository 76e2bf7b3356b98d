#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NanoverCore
import NanoverMessagePack
import Synchronization

/// Writes a NanoVer 2026 recording (`.nanover.zip`) as messages come,
/// holding none of them: each message's bytes go straight into the zip's
/// `messages.msgpack` member, and its index entry into a journal beside the
/// file (`PATH.journal`). ``close()`` finishes the zip: it copies the
/// journal in as `index.msgpack`, writes the central directory, and removes
/// the journal.
///
/// A writer stopped before closing (a crash, SIGKILL) leaves a file that
/// no zip reader opens (``/NanoverCore/RecordingError/unfinishedZip``) and the journal,
/// which holds every entry written up to the moment (an entry goes to the
/// journal only after its message is in the file):
/// ``repair(path:)`` finishes the file from the two, up to the last whole
/// entry.
///
/// Safe to call from any thread; messages are written in the order the
/// calls reach it, and their timestamps never go back in that order (one
/// stamped earlier than the message before it takes that one's time).
public final class MessageRecordingWriter: Sendable {
    /// The recording's file; its journal is ``journalPath(for:)``.
    public let path: String
    private struct Open {
        var zip: StoredZipWriter
        let journal: OutputFile
        var entries = 0
        var journalLength: UInt64 = 0
        /// Bytes of `messages.msgpack` so far.
        var messagesLength: UInt64 = 0
        var framesWritten = 0
        /// The latest timestamp written: none goes back in file order.
        var latest: UInt64 = 0
    }

    /// The open files; nil once closed.
    private let state: Mutex<Open?>

    /// Where a recording's index is kept while it is written.
    public static func journalPath(for path: String) -> String {
        path + ".journal"
    }

    /// Creates (or empties) the file at `path` and its journal.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public convenience init(path: String) throws(RecordingError) {
        try self.init(path: path, zip64Limit: nil)
    }

    /// A writer whose zip takes its zip64 forms from `zip64Limit` on: for
    /// tests of those forms without gigabytes.
    package init(path: String, zip64Limit: UInt64?) throws(RecordingError) {
        self.path = path
        var zip = StoredZipWriter(file: try OutputFile(creating: path))
        if let zip64Limit {
            zip.zip64Limit = zip64Limit
        }
        let journal = try OutputFile(creating: Self.journalPath(for: path))
        try zip.beginMember(MessageRecordingFormat.messagesMember, expectedSize: nil)
        state = Mutex(Open(zip: zip, journal: journal))
    }

    deinit {
        try? close()
    }

    /// How many messages were written so far.
    public var count: Int {
        state.withLock { $0?.entries ?? 0 }
    }

    /// Appends one message, its index entry saying `types` (its top-level
    /// keys) and, for a frame, `frameIndex`.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``, also once
    ///   closed.
    public func append(_ message: [UInt8], types: [String], frameIndex: UInt32? = nil, at timestamp: UInt64) throws(RecordingError) {
        try state.withLock { (open) throws(RecordingError) in
            try Self.append(message, types: types, frameIndex: frameIndex, at: timestamp, to: &open, path: path)
        }
    }

    /// Appends one message, its index entry found by reading it: its
    /// top-level keys, and a frame's `frame.index`.
    public func append(_ message: [UInt8], at timestamp: UInt64) throws(RecordingError) {
        var types: [String] = []
        var frameIndex: UInt32?
        if case .map(let fields)? = try? MessagePackReader.value(from: message) {
            for (key, value) in fields {
                guard case .string(let type) = key else { continue }
                types.append(type)
                if type == "frame", case .map(let frame) = value,
                   let index = frame.last(where: { $0.0 == .string(PackedFrameKeys.frameIndex) })?.1,
                   let whole = index.integer, let fitting = UInt32(exactly: whole) {
                    frameIndex = fitting
                }
            }
        }
        try append(message, types: types, frameIndex: frameIndex, at: timestamp)
    }

    /// Appends a frame message, built by `message` under the writer's lock
    /// from whether it is the first frame of the recording. A recording
    /// that would begin with a frame begins with an empty state message
    /// instead, as every 2026 recording of the reference begins with a
    /// state message (its player cannot start one that does not: see the
    /// README).
    func appendFrame(at timestamp: UInt64, _ message: (_ first: Bool) -> (index: UInt32, bytes: [UInt8])) throws(RecordingError) {
        try state.withLock { (open) throws(RecordingError) in
            try Self.appendEmptyStateIfFirst(at: timestamp, to: &open, path: path)
            let (index, bytes) = message(open?.framesWritten == 0)
            try Self.append(bytes, types: ["frame"], frameIndex: index, at: timestamp, to: &open, path: path)
            open?.framesWritten += 1
        }
    }

    /// Appends the empty state message, unless something was written
    /// already: the state message a 2026 client is sent first.
    func appendEmptyStateIfFirst(at timestamp: UInt64) throws(RecordingError) {
        try state.withLock { (open) throws(RecordingError) in
            try Self.appendEmptyStateIfFirst(at: timestamp, to: &open, path: path)
        }
    }

    private static func appendEmptyStateIfFirst(at timestamp: UInt64, to open: inout Open?, path: String) throws(RecordingError) {
        if open?.entries == 0 {
            try append(emptyState, types: ["state"], frameIndex: nil, at: timestamp, to: &open, path: path)
        }
    }

    private static let emptyState = OutgoingMessage.state(StateChange())

    private static func append(
        _ message: [UInt8], types: [String], frameIndex: UInt32?, at timestamp: UInt64, to open: inout Open?, path: String
    ) throws(RecordingError) {
        guard open != nil else { throw .io(path: path, operation: "write", errno: EBADF) }
        // A message stamped before another that took the lock first takes
        // that one's time: playback goes through the file in order.
        open!.latest = max(open!.latest, timestamp)
        let entry = MessageRecordingEntry(
            offset: open!.messagesLength, length: UInt64(message.count), timestamp: open!.latest, types: types, frameIndex: frameIndex)
        try open!.zip.write(message)
        open!.messagesLength += UInt64(message.count)
        // The entry goes to the journal only once its message is written:
        // the journal never points past the messages.
        let bytes = MessagePackWriter.bytes(entry.messagePackValue)
        try open!.journal.append(bytes)
        open!.journalLength += UInt64(bytes.count)
        open!.entries += 1
    }

    /// Finishes the zip (the index from the journal, the central directory)
    /// and removes the journal. Idempotent.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``: the file is
    ///   then unfinished and the journal kept, for ``repair(path:)``.
    public func close() throws(RecordingError) {
        try state.withLock { (open) throws(RecordingError) in
            guard var closing = open else { return }
            open = nil
            defer { closing.zip.file.close() }
            try Self.finish(&closing.zip, journal: closing.journal, journalLength: closing.journalLength, entries: closing.entries)
            try closing.journal.remove()
        }
    }

    /// Ends `messages.msgpack`, writes `index.msgpack` (the array header,
    /// then the journal's first `journalLength` bytes, which hold `entries`
    /// entries) and the central directory.
    static func finish(_ zip: inout StoredZipWriter, journal: OutputFile, journalLength: UInt64, entries: Int) throws(RecordingError) {
        try zip.endMember()
        var header: [UInt8] = []
        MessagePackWriter.writeArrayHeader(count: entries, into: &header)
        try zip.beginMember(MessageRecordingFormat.indexMember, expectedSize: UInt64(header.count) + journalLength)
        try zip.write(header)
        var copied: UInt64 = 0
        while copied < journalLength {
            let piece = try journal.bytes(Int(min(1 << 20, journalLength - copied)), at: copied)
            guard !piece.isEmpty else { throw .io(path: journal.path, operation: "read", errno: EIO) }
            try zip.write(piece)
            copied += UInt64(piece.count)
        }
        try zip.endMember()
        try zip.finish()
    }
}
