/// Writes a zip of stored (uncompressed) members one after the other,
/// each streamed as it comes: a member's local header is written first
/// with placeholders, its bytes follow, and ending it writes its CRC-32
/// and size into the header. ``finish()`` writes the central directory
/// and the end records.
///
/// A member whose size is not known ahead gets a zip64 local header, so it
/// may grow past 4 GiB; the central directory and end records take their
/// zip64 forms only where a size, offset or count needs it, as Python's
/// `zipfile` does.
///
/// Until ``finish()`` the file is not a zip (no central directory): a
/// writer stopped early leaves its members' bytes, but a zip reader finds
/// nothing.
package struct StoredZipWriter: Sendable {
    /// A member written, for the central directory.
    package struct Member: Sendable, Equatable {
        package var name: String
        package var headerOffset: UInt64
        package var size: UInt64 = 0
        package var crc: UInt32 = 0
        /// Whether the local header has the zip64 extra field.
        package var zip64Header: Bool

        package init(name: String, headerOffset: UInt64, size: UInt64 = 0, zip64Header: Bool) {
            self.name = name
            self.headerOffset = headerOffset
            self.size = size
            self.zip64Header = zip64Header
        }
    }

    package let file: OutputFile
    /// Sizes, offsets and counts at or past this are written in zip64
    /// form. The format's limit; tests lower it to see the zip64 forms
    /// without writing gigabytes.
    package var zip64Limit: UInt64 = UInt64(ZipLayout.zip64Marker32)
    package private(set) var members: [Member] = []
    /// Where the next byte goes.
    package private(set) var end: UInt64
    private var current: (member: Member, crc: CRC32)?

    /// A writer of a new zip into `file`, empty.
    package init(file: OutputFile) {
        self.file = file
        end = 0
    }

    /// A writer that goes on with a member already begun (a recording
    /// being repaired): `member` holds its header's place, its size and
    /// CRC so far; the file's end is right after its bytes.
    package init(file: OutputFile, continuing member: Member, crc: CRC32) throws(RecordingError) {
        self.file = file
        end = member.headerOffset + UInt64(ZipLayout.localHeaderSize + member.name.utf8.count)
            + (member.zip64Header ? UInt64(ZipLayout.zip64LocalExtraSize) : 0) + member.size
        current = (member, crc)
        try file.truncate(to: end)
    }

    /// Starts a member; `expectedSize` nil when its size is not known
    /// ahead (it then gets a zip64 local header).
    ///
    /// - Precondition: no member is open.
    package mutating func beginMember(_ name: String, expectedSize: UInt64?) throws(RecordingError) {
        precondition(current == nil, "a zip member is already open")
        let zip64 = expectedSize.map { $0 >= zip64Limit } ?? true
        let member = Member(name: name, headerOffset: end, zip64Header: zip64)
        var header: [UInt8] = []
        header.appendLittleEndian(ZipLayout.localHeaderSignature)
        header.appendLittleEndian(zip64 ? ZipLayout.zip64Version : ZipLayout.plainVersion)
        header.appendLittleEndian(UInt16(0))  // flags
        header.appendLittleEndian(ZipLayout.stored)
        header.appendLittleEndian(ZipLayout.dosTime)
        header.appendLittleEndian(ZipLayout.dosDate)
        header.appendLittleEndian(UInt32(0))  // CRC-32, written when the member ends
        header.appendLittleEndian(zip64 ? ZipLayout.zip64Marker32 : 0)  // compressed size
        header.appendLittleEndian(zip64 ? ZipLayout.zip64Marker32 : 0)  // uncompressed size
        header.appendLittleEndian(UInt16(name.utf8.count))
        header.appendLittleEndian(UInt16(zip64 ? ZipLayout.zip64LocalExtraSize : 0))
        header += name.utf8
        if zip64 {
            header.appendLittleEndian(ZipLayout.zip64ExtraID)
            header.appendLittleEndian(UInt16(16))
            header.appendLittleEndian(UInt64(0))  // uncompressed size
            header.appendLittleEndian(UInt64(0))  // compressed size
        }
        try file.append(header)
        end += UInt64(header.count)
        current = (member, CRC32())
    }

    /// Appends `bytes` to the open member.
    package mutating func write(_ bytes: [UInt8]) throws(RecordingError) {
        precondition(current != nil, "no zip member is open")
        try file.append(bytes)
        end += UInt64(bytes.count)
        current?.member.size += UInt64(bytes.count)
        current?.crc.update(bytes)
    }

    /// Ends the open member: its CRC-32 and size go into its local header.
    ///
    /// - Throws: ``RecordingError/unsupportedZip(_:)`` for a member begun
    ///   with a small expected size that grew past 4 GiB.
    package mutating func endMember() throws(RecordingError) {
        guard let (begun, crc) = current else { preconditionFailure("no zip member is open") }
        var member = begun
        member.crc = crc.value
        var checksum: [UInt8] = []
        checksum.appendLittleEndian(member.crc)
        try file.write(checksum, at: member.headerOffset + 14)
        var sizes: [UInt8] = []
        if member.zip64Header {
            sizes.appendLittleEndian(member.size)
            sizes.appendLittleEndian(member.size)
            try file.write(sizes, at: member.headerOffset + UInt64(ZipLayout.localHeaderSize + member.name.utf8.count + 4))
        } else {
            guard member.size < UInt64(ZipLayout.zip64Marker32) else {
                throw .unsupportedZip("member \(member.name) grew past 4 GiB after a header without room for it")
            }
            sizes.appendLittleEndian(UInt32(member.size))
            sizes.appendLittleEndian(UInt32(member.size))
            try file.write(sizes, at: member.headerOffset + 18)
        }
        members.append(member)
        current = nil
    }

    /// Writes the central directory and the end records: the file is a
    /// zip from now on.
    ///
    /// - Precondition: no member is open.
    package mutating func finish() throws(RecordingError) {
        precondition(current == nil, "a zip member is still open")
        let directoryOffset = end
        var directory: [UInt8] = []
        for member in members {
            directory += centralHeader(member)
        }
        let directorySize = UInt64(directory.count)
        let count = UInt64(members.count)
        let countNeedsZip64 = count >= min(zip64Limit, UInt64(ZipLayout.zip64Marker16))
        if countNeedsZip64 || directorySize >= zip64Limit || directoryOffset >= zip64Limit {
            let zip64EndOffset = directoryOffset + directorySize
            directory.appendLittleEndian(ZipLayout.zip64EndSignature)
            directory.appendLittleEndian(UInt64(ZipLayout.zip64EndSize - 12))  // the record's size after this field
            directory.appendLittleEndian(ZipLayout.madeBy(ZipLayout.zip64Version))
            directory.appendLittleEndian(ZipLayout.zip64Version)
            directory.appendLittleEndian(UInt32(0))  // this disk
            directory.appendLittleEndian(UInt32(0))  // the disk the directory starts on
            directory.appendLittleEndian(count)
            directory.appendLittleEndian(count)
            directory.appendLittleEndian(directorySize)
            directory.appendLittleEndian(directoryOffset)
            directory.appendLittleEndian(ZipLayout.zip64LocatorSignature)
            directory.appendLittleEndian(UInt32(0))  // the disk of the zip64 end record
            directory.appendLittleEndian(zip64EndOffset)
            directory.appendLittleEndian(UInt32(1))  // disks in all
        }
        directory.appendLittleEndian(ZipLayout.endSignature)
        directory.appendLittleEndian(UInt16(0))  // this disk
        directory.appendLittleEndian(UInt16(0))  // the disk the directory starts on
        let count16 = countNeedsZip64 ? ZipLayout.zip64Marker16 : UInt16(count)
        directory.appendLittleEndian(count16)
        directory.appendLittleEndian(count16)
        directory.appendLittleEndian(field32(directorySize))
        directory.appendLittleEndian(field32(directoryOffset))
        directory.appendLittleEndian(UInt16(0))  // comment length
        try file.append(directory)
        end += UInt64(directory.count)
    }

    /// A member's central directory header, with a zip64 extra field for
    /// what does not fit 32 bits.
    private func centralHeader(_ member: Member) -> [UInt8] {
        var extra: [UInt8] = []
        if member.size >= zip64Limit {
            extra.appendLittleEndian(member.size)  // uncompressed
            extra.appendLittleEndian(member.size)  // compressed
        }
        if member.headerOffset >= zip64Limit {
            extra.appendLittleEndian(member.headerOffset)
        }
        if !extra.isEmpty {
            extra = ZipLayout.zip64ExtraID.littleEndianBytes + UInt16(extra.count).littleEndianBytes + extra
        }
        let version = member.zip64Header || !extra.isEmpty ? ZipLayout.zip64Version : ZipLayout.plainVersion
        var header: [UInt8] = []
        header.appendLittleEndian(ZipLayout.centralHeaderSignature)
        header.appendLittleEndian(ZipLayout.madeBy(version))
        header.appendLittleEndian(version)
        header.appendLittleEndian(UInt16(0))  // flags
        header.appendLittleEndian(ZipLayout.stored)
        header.appendLittleEndian(ZipLayout.dosTime)
        header.appendLittleEndian(ZipLayout.dosDate)
        header.appendLittleEndian(member.crc)
        header.appendLittleEndian(field32(member.size))
        header.appendLittleEndian(field32(member.size))
        header.appendLittleEndian(UInt16(member.name.utf8.count))
        header.appendLittleEndian(UInt16(extra.count))
        header.appendLittleEndian(UInt16(0))  // comment length
        header.appendLittleEndian(UInt16(0))  // the disk the member starts on
        header.appendLittleEndian(UInt16(0))  // internal attributes
        header.appendLittleEndian(ZipLayout.externalAttributes)
        header.appendLittleEndian(field32(member.headerOffset))
        header += member.name.utf8
        header += extra
        return header
    }

    /// A value for a 32-bit field: itself, or the marker that sends the
    /// reader to the zip64 field.
    private func field32(_ value: UInt64) -> UInt32 {
        value >= zip64Limit ? ZipLayout.zip64Marker32 : UInt32(value)
    }
}

extension FixedWidthInteger {
    /// The value's bytes, least significant first.
    var littleEndianBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(self)
        return bytes
    }
}
