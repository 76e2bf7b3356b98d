import NanoverCore
import NanoverMessagePack

/// A NanoVer 2026 recording (`.nanover.zip`) opened for reading: its index
/// read and checked (every entry inside `messages.msgpack`), its messages
/// left in the file and read one at a time: ``message(at:)`` gives the
/// bytes of one, which ``IncomingMessage/init(bytes:readingCommands:)``
/// reads (see <doc:ServingNanoVer2026>).
///
/// The index is read whole (about 60 bytes an entry in the file, 40 held);
/// `messages.msgpack` is checked against its CRC-32 only by ``verify()``,
/// which reads it through.
public struct MessageRecording: Sendable {
    /// The file read, or `(in memory)`, for errors and summaries.
    public let path: String
    /// The index: one entry per message, in file order (which is time
    /// order in every recording we write).
    public let entries: [MessageRecordingEntry]
    /// The size of `messages.msgpack`.
    public let messagesSize: UInt64
    private let archive: StoredZipArchive
    private let messages: StoredZipArchive.Member

    /// Opens the recording at `path`.
    ///
    /// - Throws: ``/NanoverCore/RecordingError``: ``/NanoverCore/RecordingError/io(path:operation:errno:)``,
    ///   ``/NanoverCore/RecordingError/notAZip``, ``/NanoverCore/RecordingError/unfinishedZip`` (a
    ///   recording cut short: ``MessageRecordingWriter/repair(path:)``
    ///   finishes it), ``/NanoverCore/RecordingError/badZip(_:)``,
    ///   ``/NanoverCore/RecordingError/missingMember(_:)``,
    ///   ``/NanoverCore/RecordingError/compressedMember(name:method:)``,
    ///   ``/NanoverCore/RecordingError/checksumMismatch(member:)`` (the index),
    ///   ``/NanoverCore/RecordingError/badIndex(_:)``,
    ///   ``/NanoverCore/RecordingError/indexEntryPastEnd(entry:offset:length:size:)``.
    public init(path: String) throws(RecordingError) {
        try self.init(source: RecordingFile(path: path), path: path)
    }

    /// Reads a recording held in memory.
    ///
    /// - Throws: what ``init(path:)`` throws, but for input and output
    ///   errors, which bytes in memory cannot have.
    public init(bytes: [UInt8]) throws(RecordingError) {
        try self.init(source: RecordingBytes(bytes: bytes), path: "(in memory)")
    }

    package init(source: any RecordingSource, path: String) throws(RecordingError) {
        self.path = path
        archive = try StoredZipArchive(source: source)
        messages = try archive.member(MessageRecordingFormat.messagesMember)
        messagesSize = messages.size
        let index = try archive.contents(of: archive.member(MessageRecordingFormat.indexMember))
        entries = try Self.entries(index)
        for (number, entry) in entries.enumerated() where entry.offset > messages.size || entry.length > messages.size - entry.offset {
            throw .indexEntryPastEnd(entry: number, offset: entry.offset, length: entry.length, size: messages.size)
        }
    }

    /// The time of the last message, in microseconds; 0 for none.
    public var duration: UInt64 {
        entries.lazy.map(\.timestamp).max() ?? 0
    }

    /// The MessagePack bytes of the message at `position`: what a 2026
    /// client received (``IncomingMessage/init(bytes:readingCommands:)``
    /// reads them).
    ///
    /// - Parameter position: An index into ``entries``.
    /// - Returns: The message's bytes.
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``;
    ///   ``/NanoverCore/RecordingError/badZip(_:)`` for a file that shrank.
    public func message(at position: Int) throws(RecordingError) -> [UInt8] {
        let entry = entries[position]
        let bytes = try archive.source.bytes(Int(entry.length), at: messages.dataOffset + entry.offset)
        guard bytes.count == Int(entry.length) else { throw .badZip("\(MessageRecordingFormat.messagesMember) ends before entry \(position)") }
        return bytes
    }

    /// Reads `messages.msgpack` through and checks it against its CRC-32.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/checksumMismatch(member:)``.
    public func verify() throws(RecordingError) {
        try archive.verify(messages)
    }

    /// The bytes of an index of `entries`.
    package static func indexBytes(_ entries: [MessageRecordingEntry]) -> [UInt8] {
        var bytes: [UInt8] = []
        MessagePackWriter.writeArrayHeader(count: entries.count, into: &bytes)
        for entry in entries {
            MessagePackWriter.write(entry.messagePackValue, into: &bytes)
        }
        return bytes
    }

    /// The entries of an index: a MessagePack array of maps, read one map at
    /// a time.
    package static func entries(_ index: [UInt8]) throws(RecordingError) -> [MessageRecordingEntry] {
        let result = index.withUnsafeBytes { buffer in
            Result { () throws(RecordingError) in
                let header: (count: Int, end: Int)?
                do {
                    header = try MessagePackReader.arrayHeader(in: buffer, at: 0)
                } catch {
                    throw .badIndex("\(error)")
                }
                guard let (count, start) = header else { throw .badIndex("the index is not an array") }
                // Every entry takes bytes: a count past them is refused
                // before anything is reserved for it.
                guard count <= buffer.count - start else { throw .badIndex("the index claims \(count) entries in \(buffer.count) bytes") }
                var entries: [MessageRecordingEntry] = []
                entries.reserveCapacity(count)
                var offset = start
                for number in 0..<count {
                    let value: MessagePackValue
                    do {
                        (value, offset) = try MessagePackReader.value(from: buffer, startingAt: offset)
                    } catch {
                        throw .badIndex("entry \(number): \(error)")
                    }
                    entries.append(try MessageRecordingEntry(value, number: number))
                }
                guard offset == buffer.count else { throw .badIndex("bytes follow the index array, from byte \(offset)") }
                return entries
            }
        }
        return try result.get()
    }
}
