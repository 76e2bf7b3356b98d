/// The CRC-32 that zip stores for each member (the IEEE polynomial,
/// reflected, as zlib computes it), updated a buffer at a time so that a
/// member can be checked or written without holding it whole.
///
/// Eight bytes a step ("slicing by eight"): a recording's messages run to
/// gigabytes, and each byte passes through here once when written.
package struct CRC32: Sendable {
    /// The checksum of everything given so far.
    package var value: UInt32 { ~state }
    private var state: UInt32 = 0xFFFF_FFFF

    package init() {}

    /// Goes on from bytes whose checksum is `value`, as if given them.
    package init(continuingFrom value: UInt32) {
        state = ~value
    }

    /// The checksum of `bytes`.
    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(Array(bytes))
        return crc.value
    }

    /// The checksum of `count` bytes of `source` from `offset`, read a
    /// mebibyte at a time.
    ///
    /// - Throws: ``RecordingError/badZip(_:)`` when the bytes end first.
    package static func checksum(of source: any RecordingSource, at offset: UInt64, count: UInt64) throws(RecordingError) -> UInt32 {
        var crc = CRC32()
        var done: UInt64 = 0
        while done < count {
            let piece = try source.bytes(Int(min(1 << 20, count - done)), at: offset + done)
            guard !piece.isEmpty else { throw .badZip("the file ends \(count - done) bytes early, at byte \(offset + done)") }
            crc.update(piece)
            done += UInt64(piece.count)
        }
        return crc.value
    }

    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    package mutating func update(_ buffer: UnsafeRawBufferPointer) {
        let tables = Self.tables
        var crc = state
        var index = 0
        let count = buffer.count
        while count - index >= 8 {
            let low = crc ^ UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            let high = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
            crc = tables[7 * 256 + Int(low & 0xFF)] ^ tables[6 * 256 + Int(low >> 8 & 0xFF)]
                ^ tables[5 * 256 + Int(low >> 16 & 0xFF)] ^ tables[4 * 256 + Int(low >> 24)]
                ^ tables[3 * 256 + Int(high & 0xFF)] ^ tables[2 * 256 + Int(high >> 8 & 0xFF)]
                ^ tables[1 * 256 + Int(high >> 16 & 0xFF)] ^ tables[Int(high >> 24)]
            index += 8
        }
        while index < count {
            crc = tables[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ crc >> 8
            index += 1
        }
        state = crc
    }

    /// Eight tables of 256: the first is the byte-at-a-time table, each
    /// next one the previous advanced by a zero byte.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? 0xEDB8_8320 ^ crc >> 1 : crc >> 1
            }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = tables[Int(previous & 0xFF)] ^ previous >> 8
            }
        }
        return tables
    }()
}
