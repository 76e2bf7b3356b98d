import Foundation
import NanoverCore
import Testing

/// The zip container of 2026 recordings: stored members, CRC-32, local
/// headers, central directory, end records, zip64, checked byte by byte
/// against the format (PKWARE's APPNOTE) and read back.
@Suite("Zip container")
struct ZipContainerTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nanover-zip-\(UUID().uuidString).zip").path
    }

    /// Writes members (name, bytes, whether the size is told ahead) and
    /// returns the file's bytes.
    private func zip(_ members: [(String, [UInt8], Bool)], zip64Limit: UInt64? = nil) throws -> [UInt8] {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = StoredZipWriter(file: try OutputFile(creating: path))
        if let zip64Limit { writer.zip64Limit = zip64Limit }
        for (name, bytes, sizeKnown) in members {
            try writer.beginMember(name, expectedSize: sizeKnown ? UInt64(bytes.count) : nil)
            // In two pieces: the CRC and size run over writes.
            try writer.write(Array(bytes.prefix(bytes.count / 2)))
            try writer.write(Array(bytes.dropFirst(bytes.count / 2)))
            try writer.endMember()
        }
        try writer.finish()
        writer.file.close()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { bytes.littleEndian(UInt16.self, at: at) }
    private func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { bytes.littleEndian(UInt32.self, at: at) }
    private func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 { bytes.littleEndian(UInt64.self, at: at) }

    /// The CRC-32 bit by bit, as the format defines it: the fast one is
    /// checked against this.
    private func bitwiseCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test("CRC-32 gives the standard check value and agrees with the bit-by-bit definition, in any pieces")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        var generator = SystemRandomNumberGenerator()
        for length in [1, 7, 8, 9, 15, 16, 17, 100, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var pieces = CRC32()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...13, using: &generator))
                pieces.update(Array(bytes[start..<end]))
                start = end
            }
            #expect(pieces.value == bitwiseCRC(bytes), "length \(length)")
            var continued = CRC32(continuingFrom: CRC32.checksum(bytes.prefix(length / 2)))
            continued.update(Array(bytes.dropFirst(length / 2)))
            #expect(continued.value == bitwiseCRC(bytes), "going on from a checksum")
            #expect(CRC32.checksum(bytes) == bitwiseCRC(bytes))
        }
    }

    @Test("local headers, central directory and end record are laid out as the format says; a streamed member gets a zip64 local header")
    func layout() throws {
        let hello = Array("hello".utf8), xyz = Array("xyz".utf8)
        let bytes = try zip([("messages.msgpack", hello, false), ("index.msgpack", xyz, true)])
        // messages.msgpack: local header with the zip64 extra field.
        #expect(u32(bytes, 0) == 0x0403_4B50)
        #expect(u16(bytes, 4) == 45, "version needed: 4.5 for zip64")
        #expect(u16(bytes, 6) == 0 && u16(bytes, 8) == 0, "no flags, stored")
        #expect(u16(bytes, 10) == 0 && u16(bytes, 12) == 0x21, "1980-01-01 00:00")
        #expect(u32(bytes, 14) == CRC32.checksum(hello))
        #expect(u32(bytes, 18) == 0xFFFF_FFFF && u32(bytes, 22) == 0xFFFF_FFFF, "sizes in the zip64 field")
        #expect(u16(bytes, 26) == 16 && u16(bytes, 28) == 20)
        #expect(Array(bytes[30..<46]) == Array("messages.msgpack".utf8))
        #expect(u16(bytes, 46) == 1 && u16(bytes, 48) == 16 && u64(bytes, 50) == 5 && u64(bytes, 58) == 5)
        #expect(Array(bytes[66..<71]) == hello)
        // index.msgpack: a plain local header, its size told ahead.
        let second = 71
        #expect(u32(bytes, second) == 0x0403_4B50 && u16(bytes, second + 4) == 20)
        #expect(u32(bytes, second + 14) == CRC32.checksum(xyz))
        #expect(u32(bytes, second + 18) == 3 && u32(bytes, second + 22) == 3)
        #expect(u16(bytes, second + 26) == 13 && u16(bytes, second + 28) == 0)
        #expect(Array(bytes[(second + 43)..<(second + 46)]) == xyz)
        // Central directory: no zip64 extra where nothing needs it.
        let directory = second + 46
        #expect(u32(bytes, directory) == 0x0201_4B50)
        #expect(u16(bytes, directory + 4) == 0x032D && u16(bytes, directory + 6) == 45, "made by Unix; version as the local header")
        #expect(u32(bytes, directory + 16) == CRC32.checksum(hello))
        #expect(u32(bytes, directory + 20) == 5 && u32(bytes, directory + 24) == 5)
        #expect(u16(bytes, directory + 28) == 16 && u16(bytes, directory + 30) == 0 && u16(bytes, directory + 32) == 0)
        #expect(u32(bytes, directory + 38) == 0o100644 << 16)
        #expect(u32(bytes, directory + 42) == 0)
        let secondCentral = directory + 46 + 16
        #expect(u32(bytes, secondCentral) == 0x0201_4B50 && u16(bytes, secondCentral + 6) == 20)
        #expect(u32(bytes, secondCentral + 42) == UInt32(second))
        // End record.
        let end = secondCentral + 46 + 13
        #expect(bytes.count == end + 22)
        #expect(u32(bytes, end) == 0x0605_4B50)
        #expect(u16(bytes, end + 8) == 2 && u16(bytes, end + 10) == 2)
        #expect(u32(bytes, end + 12) == UInt32(end - directory) && u32(bytes, end + 16) == UInt32(directory))
        #expect(u16(bytes, end + 20) == 0)

        let archive = try StoredZipArchive(source: RecordingBytes(bytes: bytes))
        #expect(archive.entries.map(\.name) == ["messages.msgpack", "index.msgpack"])
        let messages = try archive.member("messages.msgpack")
        #expect(messages.dataOffset == 66 && messages.size == 5 && messages.crc == CRC32.checksum(hello))
        #expect(try archive.contents(of: messages) == hello)
        #expect(try archive.contents(of: archive.member("index.msgpack")) == xyz)
        try archive.verify(messages)
    }

    @Test("past the 32-bit limits, the central directory takes zip64 extra fields and a zip64 end record with its locator, and reads back")
    func zip64() throws {
        let data = Array(repeating: UInt8(7), count: 300)
        // Every value counts as past the limit: each zip64 form is written.
        let bytes = try zip([("a", data, true), ("b", [1, 2], false)], zip64Limit: 0)
        #expect(u16(bytes, 4) == 45 && u32(bytes, 18) == 0xFFFF_FFFF, "a member of told size gets a zip64 header too")
        let end = bytes.count - 22
        #expect(u32(bytes, end) == 0x0605_4B50)
        #expect(u16(bytes, end + 8) == 0xFFFF && u32(bytes, end + 12) == 0xFFFF_FFFF && u32(bytes, end + 16) == 0xFFFF_FFFF)
        let locator = end - 20
        #expect(u32(bytes, locator) == 0x0706_4B50 && u32(bytes, locator + 16) == 1)
        let zip64End = Int(u64(bytes, locator + 8))
        #expect(zip64End == locator - 56)
        #expect(u32(bytes, zip64End) == 0x0606_4B50 && u64(bytes, zip64End + 4) == 44)
        #expect(u64(bytes, zip64End + 24) == 2 && u64(bytes, zip64End + 32) == 2)
        let directory = Int(u64(bytes, zip64End + 48))
        #expect(u64(bytes, zip64End + 40) == UInt64(zip64End - directory))
        // The first central header: sizes and offset all in its extra field.
        #expect(u32(bytes, directory + 20) == 0xFFFF_FFFF && u32(bytes, directory + 42) == 0xFFFF_FFFF)
        #expect(u16(bytes, directory + 30) == 28)
        let extra = directory + 46 + 1
        #expect(u16(bytes, extra) == 1 && u16(bytes, extra + 2) == 24)
        #expect(u64(bytes, extra + 4) == 300 && u64(bytes, extra + 12) == 300 && u64(bytes, extra + 20) == 0)

        let archive = try StoredZipArchive(source: RecordingBytes(bytes: bytes))
        #expect(try archive.contents(of: archive.member("a")) == data)
        #expect(try archive.contents(of: archive.member("b")) == [1, 2])
    }

    @Test("more members than 16 bits count: the zip64 end record carries the count")
    func manyMembers() throws {
        let count = 0x1_0000 + 3
        let bytes = try zip((0..<count).map { ("m\($0)", [UInt8(truncatingIfNeeded: $0)], true) })
        let end = bytes.count - 22
        #expect(u16(bytes, end + 10) == 0xFFFF)
        #expect(u32(bytes, end - 20) == 0x0706_4B50)
        let archive = try StoredZipArchive(source: RecordingBytes(bytes: bytes))
        #expect(archive.entries.count == count)
        #expect(try archive.contents(of: archive.member("m65537")) == [1])
    }

    private func expectError(_ expected: RecordingError, _ bytes: [UInt8], member: String = "a", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: expected, sourceLocation: sourceLocation) {
            let archive = try StoredZipArchive(source: RecordingBytes(bytes: bytes))
            try archive.verify(try archive.member(member))
        }
    }

    @Test("what is not a zip, or not one a recording can be, is refused with an error that says what is wrong")
    func badFiles() throws {
        let good = try zip([("a", Array("some bytes".utf8), true)])
        let directory = Int(u32(good, good.count - 6))
        expectError(.notAZip, [])
        expectError(.notAZip, Array("not a zip at all, though long enough to look for an end record".utf8))
        expectError(.unfinishedZip, Array(good[..<directory]), member: "a")
        expectError(.missingMember("b"), good, member: "b")

        var compressed = good
        compressed[directory + 10] = 8  // deflate
        expectError(.compressedMember(name: "a", method: 8), compressed)

        var encrypted = good
        encrypted[directory + 8] = 1
        expectError(.unsupportedZip("a is encrypted"), encrypted)

        var spanned = good
        spanned[spanned.count - 22 + 4] = 1
        expectError(.unsupportedZip("an archive spanning several disks"), spanned)

        var corrupt = good
        corrupt[30 + 1 + 2] ^= 0xFF
        expectError(.checksumMismatch(member: "a"), corrupt)

        var misplaced = good
        misplaced[misplaced.count - 6] &+= 1  // the directory's offset
        #expect(throws: RecordingError.self) { try StoredZipArchive(source: RecordingBytes(bytes: misplaced)) }

        var overcounted = good
        overcounted[overcounted.count - 12] = 0xFF  // total entries
        overcounted[overcounted.count - 14] = 0xFF  // entries on this disk
        expectError(.badZip("255 members cannot fit a central directory of 47 bytes"), overcounted)

        var oversized = good
        oversized.replaceSubrange((directory + 20)..<(directory + 28), with: [0xF0, 0, 0, 0, 0xF0, 0, 0, 0])
        expectError(.badZip("a's 240 bytes at 31 run into the central directory at \(directory)"), oversized)

        var noHeader = good
        noHeader[0] = 0
        expectError(.badZip("no local header for a at byte 0"), noHeader)
    }
}
