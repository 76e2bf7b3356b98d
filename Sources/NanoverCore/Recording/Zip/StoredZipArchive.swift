/// A zip archive read from its central directory, for members stored
/// uncompressed: where each member's bytes are, read at offsets, never the
/// whole archive at once. Zip64 sizes, offsets and counts are read; what
/// recordings never use (several disks, encryption) is refused, and a
/// compressed member is refused when it is asked for.
package struct StoredZipArchive: Sendable {
    /// One member, as the central directory lists it.
    package struct Entry: Sendable, Equatable {
        package var name: String
        package var method: UInt16
        package var crc: UInt32
        package var size: UInt64
        package var compressedSize: UInt64
        package var headerOffset: UInt64
    }

    /// A stored member found: where its bytes are.
    package struct Member: Sendable, Equatable {
        package var name: String
        package var dataOffset: UInt64
        package var size: UInt64
        package var crc: UInt32
    }

    package let entries: [Entry]
    package let source: any RecordingSource
    /// Where the central directory starts: members' bytes end before it.
    private let directoryOffset: UInt64

    /// Reads the central directory of the zip in `source`.
    ///
    /// - Throws: ``RecordingError/notAZip``, ``RecordingError/unfinishedZip``,
    ///   ``RecordingError/badZip(_:)``, ``RecordingError/unsupportedZip(_:)``,
    ///   ``RecordingError/io(path:operation:errno:)``.
    package init(source: any RecordingSource) throws(RecordingError) {
        self.source = source
        let size = try source.size()
        let tailLength = Int(min(size, UInt64(ZipLayout.endSize + ZipLayout.maximumCommentLength)))
        let tailStart = size - UInt64(tailLength)
        let tail = try source.bytes(tailLength, at: tailStart)
        guard let endPosition = Self.endRecord(in: tail) else {
            let start = try source.bytes(4, at: 0)
            throw start.count == 4 && start.littleEndian(UInt32.self, at: 0) == ZipLayout.localHeaderSignature ? .unfinishedZip : .notAZip
        }
        let end = Array(tail[endPosition..<endPosition + ZipLayout.endSize])
        var count = UInt64(end.littleEndian(UInt16.self, at: 10))
        var directorySize = UInt64(end.littleEndian(UInt32.self, at: 12))
        var directoryOffset = UInt64(end.littleEndian(UInt32.self, at: 16))
        guard end.littleEndian(UInt16.self, at: 4) == 0, end.littleEndian(UInt16.self, at: 6) == 0,
              UInt64(end.littleEndian(UInt16.self, at: 8)) == count
        else {
            throw .unsupportedZip("an archive spanning several disks")
        }
        // Where the directory must end: at the zip64 end record if there is
        // one, else at the end record.
        var directoryEnd = tailStart + UInt64(endPosition)
        if endPosition >= ZipLayout.zip64LocatorSize,
           tail.littleEndian(UInt32.self, at: endPosition - ZipLayout.zip64LocatorSize) == ZipLayout.zip64LocatorSignature {
            let locator = Array(tail[(endPosition - ZipLayout.zip64LocatorSize)..<endPosition])
            let zip64Offset = locator.littleEndian(UInt64.self, at: 8)
            let zip64Room = UInt64(ZipLayout.zip64LocatorSize + ZipLayout.zip64EndSize)
            guard directoryEnd >= zip64Room, zip64Offset <= directoryEnd - zip64Room else {
                throw .badZip("the zip64 end record is not where its locator says")
            }
            let zip64End = try source.bytes(ZipLayout.zip64EndSize, at: zip64Offset)
            guard zip64End.count == ZipLayout.zip64EndSize, zip64End.littleEndian(UInt32.self, at: 0) == ZipLayout.zip64EndSignature else {
                throw .badZip("the zip64 end record is not where its locator says")
            }
            guard zip64End.littleEndian(UInt32.self, at: 16) == 0, zip64End.littleEndian(UInt32.self, at: 20) == 0,
                  zip64End.littleEndian(UInt64.self, at: 24) == zip64End.littleEndian(UInt64.self, at: 32)
            else {
                throw .unsupportedZip("an archive spanning several disks")
            }
            count = zip64End.littleEndian(UInt64.self, at: 32)
            directorySize = zip64End.littleEndian(UInt64.self, at: 40)
            directoryOffset = zip64End.littleEndian(UInt64.self, at: 48)
            directoryEnd = zip64Offset
        }
        guard directoryOffset <= directoryEnd, directorySize == directoryEnd - directoryOffset else {
            throw .badZip("the central directory is not where the end record says (\(directorySize) bytes at \(directoryOffset))")
        }
        // Every header takes at least its fixed part: a count beyond what
        // the directory can hold is refused before anything is reserved.
        guard count <= directorySize / UInt64(ZipLayout.centralHeaderSize) else {
            throw .badZip("\(count) members cannot fit a central directory of \(directorySize) bytes")
        }
        let directory = try source.bytes(Int(directorySize), at: directoryOffset)
        guard directory.count == Int(directorySize) else { throw .badZip("the central directory runs past the end of the file") }
        entries = try Self.entries(count: Int(count), in: directory)
        self.directoryOffset = directoryOffset
    }

    /// The stored member called `name` (the last of that name, as Python's
    /// `zipfile` takes it).
    ///
    /// - Throws: ``RecordingError/missingMember(_:)``,
    ///   ``RecordingError/compressedMember(name:method:)``,
    ///   ``RecordingError/badZip(_:)``.
    package func member(_ name: String) throws(RecordingError) -> Member {
        guard let entry = entries.last(where: { $0.name == name }) else { throw .missingMember(name) }
        guard entry.method == ZipLayout.stored else { throw .compressedMember(name: name, method: entry.method) }
        guard entry.compressedSize == entry.size else {
            throw .badZip("\(name) is stored, yet its compressed size \(entry.compressedSize) is not its size \(entry.size)")
        }
        let header = try source.bytes(ZipLayout.localHeaderSize, at: entry.headerOffset)
        guard header.count == ZipLayout.localHeaderSize, header.littleEndian(UInt32.self, at: 0) == ZipLayout.localHeaderSignature else {
            throw .badZip("no local header for \(name) at byte \(entry.headerOffset)")
        }
        let dataOffset = entry.headerOffset + UInt64(ZipLayout.localHeaderSize)
            + UInt64(header.littleEndian(UInt16.self, at: 26)) + UInt64(header.littleEndian(UInt16.self, at: 28))
        guard dataOffset <= directoryOffset, entry.size <= directoryOffset - dataOffset else {
            throw .badZip("\(name)'s \(entry.size) bytes at \(dataOffset) run into the central directory at \(directoryOffset)")
        }
        return Member(name: name, dataOffset: dataOffset, size: entry.size, crc: entry.crc)
    }

    /// A member's bytes, whole, checked against its CRC-32: for small
    /// members.
    ///
    /// - Throws: ``RecordingError/checksumMismatch(member:)``.
    package func contents(of member: Member) throws(RecordingError) -> [UInt8] {
        let bytes = try source.bytes(Int(member.size), at: member.dataOffset)
        guard bytes.count == Int(member.size) else { throw .badZip("\(member.name) runs past the end of the file") }
        guard CRC32.checksum(bytes) == member.crc else { throw .checksumMismatch(member: member.name) }
        return bytes
    }

    /// Reads a member through in pieces and checks its CRC-32: for members
    /// too large to hold.
    ///
    /// - Throws: ``RecordingError/checksumMismatch(member:)``.
    package func verify(_ member: Member) throws(RecordingError) {
        guard try CRC32.checksum(of: source, at: member.dataOffset, count: member.size) == member.crc else {
            throw .checksumMismatch(member: member.name)
        }
    }

    /// Where the end record starts in the file's last bytes: the last
    /// signature whose record, comment included, fits.
    private static func endRecord(in tail: [UInt8]) -> Int? {
        var position = tail.count - ZipLayout.endSize
        while position >= 0 {
            if tail.littleEndian(UInt32.self, at: position) == ZipLayout.endSignature,
               position + ZipLayout.endSize + Int(tail.littleEndian(UInt16.self, at: position + 20)) <= tail.count {
                return position
            }
            position -= 1
        }
        return nil
    }

    /// The central directory's headers.
    private static func entries(count: Int, in directory: [UInt8]) throws(RecordingError) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var offset = 0
        for number in 0..<count {
            guard directory.count - offset >= ZipLayout.centralHeaderSize,
                  directory.littleEndian(UInt32.self, at: offset) == ZipLayout.centralHeaderSignature
            else {
                throw .badZip("central directory header \(number) is not where the one before it ends")
            }
            let flags = directory.littleEndian(UInt16.self, at: offset + 8)
            let nameLength = Int(directory.littleEndian(UInt16.self, at: offset + 28))
            let extraLength = Int(directory.littleEndian(UInt16.self, at: offset + 30))
            let commentLength = Int(directory.littleEndian(UInt16.self, at: offset + 32))
            let nameStart = offset + ZipLayout.centralHeaderSize
            guard directory.count - nameStart >= nameLength + extraLength + commentLength else {
                throw .badZip("central directory header \(number) runs past the directory")
            }
            guard let name = String(validating: directory[nameStart..<nameStart + nameLength], as: UTF8.self) else {
                throw .badZip("central directory header \(number) has a name that is not UTF-8")
            }
            guard flags & ZipLayout.encryptedFlag == 0 else { throw .unsupportedZip("\(name) is encrypted") }
            var entry = Entry(
                name: name, method: directory.littleEndian(UInt16.self, at: offset + 10),
                crc: directory.littleEndian(UInt32.self, at: offset + 16),
                size: UInt64(directory.littleEndian(UInt32.self, at: offset + 24)),
                compressedSize: UInt64(directory.littleEndian(UInt32.self, at: offset + 20)),
                headerOffset: UInt64(directory.littleEndian(UInt32.self, at: offset + 42)))
            let extra = Array(directory[(nameStart + nameLength)..<(nameStart + nameLength + extraLength)])
            try readZip64Fields(extra, into: &entry, diskStart: directory.littleEndian(UInt16.self, at: offset + 34))
            entries.append(entry)
            offset = nameStart + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Takes, from the zip64 extra field, the 64-bit value of each field
    /// whose 32-bit form is the marker, in the format's order.
    private static func readZip64Fields(_ extra: [UInt8], into entry: inout Entry, diskStart: UInt16) throws(RecordingError) {
        var offset = 0
        var zip64: [UInt8]?
        while extra.count - offset >= 4 {
            let id = extra.littleEndian(UInt16.self, at: offset)
            let length = Int(extra.littleEndian(UInt16.self, at: offset + 2))
            guard extra.count - offset - 4 >= length else { throw .badZip("\(entry.name)'s extra field runs past its end") }
            if id == ZipLayout.zip64ExtraID {
                zip64 = Array(extra[(offset + 4)..<(offset + 4 + length)])
            }
            offset += 4 + length
        }
        let marker = UInt64(ZipLayout.zip64Marker32)
        let wanted = [entry.size == marker, entry.compressedSize == marker, entry.headerOffset == marker, diskStart == ZipLayout.zip64Marker16]
        guard wanted.contains(true) else { return }
        guard let zip64 else { throw .badZip("\(entry.name) needs a zip64 extra field and has none") }
        var position = 0
        func next() throws(RecordingError) -> UInt64 {
            guard zip64.count - position >= 8 else { throw .badZip("\(entry.name)'s zip64 extra field is too short") }
            defer { position += 8 }
            return zip64.littleEndian(UInt64.self, at: position)
        }
        if wanted[0] { entry.size = try next() }
        if wanted[1] { entry.compressedSize = try next() }
        if wanted[2] { entry.headerOffset = try next() }
        if wanted[3] { throw .unsupportedZip("an archive spanning several disks") }
    }
}
