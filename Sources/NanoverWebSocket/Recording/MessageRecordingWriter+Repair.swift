import NanoverCore
import NanoverMessagePack

extension MessageRecordingWriter {
    /// What ``repair(path:)`` did.
    public struct Repair: Sendable, Equatable {
        /// Whether the file was a finished recording already (nothing done).
        public var wasFinished = false
        /// The messages the finished recording holds.
        public var entries = 0
        /// Bytes of messages after the last whole entry, cut off.
        public var droppedMessageBytes: UInt64 = 0
        /// Bytes at the end of the journal that were not a whole entry.
        public var droppedJournalBytes: UInt64 = 0

        /// A report of these figures, for tests that compare one.
        public init(wasFinished: Bool = false, entries: Int = 0, droppedMessageBytes: UInt64 = 0, droppedJournalBytes: UInt64 = 0) {
            self.wasFinished = wasFinished
            self.entries = entries
            self.droppedMessageBytes = droppedMessageBytes
            self.droppedJournalBytes = droppedJournalBytes
        }
    }

    /// Finishes a recording whose writer stopped before closing it (a
    /// crash): `messages.msgpack` is cut after the last message the journal
    /// (`PATH.journal`) records whole, the journal becomes
    /// `index.msgpack`, the central directory is written, and the journal
    /// is removed. A finished recording is left as it is.
    ///
    /// - Throws: ``/NanoverCore/RecordingError``: for a file that is neither a finished
    ///   recording nor one this writer began, or a missing journal
    ///   (``/NanoverCore/RecordingError/io(path:operation:errno:)`` naming it).
    public static func repair(path: String) throws(RecordingError) -> Repair {
        let file = try OutputFile(updating: path)
        defer { file.close() }
        do {
            let finished = try MessageRecording(source: file, path: path)
            return Repair(wasFinished: true, entries: finished.entries.count)
        } catch .unfinishedZip {
            // What this is for.
        }
        let header = try file.bytes(ZipLayout.localHeaderSize, at: 0)
        guard header.count == ZipLayout.localHeaderSize else { throw .badZip("the file ends inside its first local header") }
        let nameLength = Int(header.littleEndian(UInt16.self, at: 26))
        let extraLength = Int(header.littleEndian(UInt16.self, at: 28))
        let name = try file.bytes(nameLength, at: UInt64(ZipLayout.localHeaderSize))
        guard name == Array(MessageRecordingFormat.messagesMember.utf8) else {
            throw .badZip("the unfinished zip does not begin with \(MessageRecordingFormat.messagesMember)")
        }
        let method = header.littleEndian(UInt16.self, at: 8)
        guard method == 0 else { throw .compressedMember(name: MessageRecordingFormat.messagesMember, method: method) }
        let extra = try file.bytes(extraLength, at: UInt64(ZipLayout.localHeaderSize + nameLength))
        let zip64Header = extra.count == ZipLayout.zip64LocalExtraSize && extra.littleEndian(UInt16.self, at: 0) == 1
            && extra.littleEndian(UInt16.self, at: 2) == 16
        let dataStart = UInt64(ZipLayout.localHeaderSize + nameLength + extraLength)
        let size = try file.size()
        guard size >= dataStart else { throw .badZip("the file ends inside the header of \(MessageRecordingFormat.messagesMember)") }

        let journal = try OutputFile(updating: journalPath(for: path))
        let journalBytes = try journal.bytes(Int(try journal.size()), at: 0)
        var repair = Repair()
        let (entries, journalLength) = try wholeEntries(journalBytes, within: size - dataStart)
        repair.entries = entries.count
        repair.droppedJournalBytes = UInt64(journalBytes.count) - journalLength
        let messagesLength = entries.map { $0.offset + $0.length }.max() ?? 0
        repair.droppedMessageBytes = size - dataStart - messagesLength

        let crc = CRC32(continuingFrom: try CRC32.checksum(of: file, at: dataStart, count: messagesLength))
        let member = StoredZipWriter.Member(
            name: MessageRecordingFormat.messagesMember, headerOffset: 0, size: messagesLength, zip64Header: zip64Header)
        var zip = try StoredZipWriter(file: file, continuing: member, crc: crc)
        try finish(&zip, journal: journal, journalLength: journalLength, entries: entries.count)
        try journal.remove()
        return repair
    }

    /// The journal's entries, up to the first that is cut short or points
    /// past `available` bytes of messages; and the bytes those take.
    private static func wholeEntries(_ journal: [UInt8], within available: UInt64) throws(RecordingError) -> ([MessageRecordingEntry], UInt64) {
        let result = journal.withUnsafeBytes { buffer in
            Result { () throws(RecordingError) in
                var entries: [MessageRecordingEntry] = []
                var offset = 0
                while offset < buffer.count {
                    let value: MessagePackValue
                    let end: Int
                    do throws(MessagePackError) {
                        (value, end) = try MessagePackReader.value(from: buffer, startingAt: offset)
                    } catch .truncated {
                        break
                    } catch {
                        throw .badIndex("journal entry \(entries.count): \(error)")
                    }
                    let entry = try MessageRecordingEntry(value, number: entries.count)
                    guard entry.offset <= available, entry.length <= available - entry.offset else { break }
                    entries.append(entry)
                    offset = end
                }
                return (entries, UInt64(offset))
            }
        }
        return try result.get()
    }
}
