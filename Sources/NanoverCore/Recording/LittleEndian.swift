/// Little-endian integers in bytes: how both recording formats (the
/// `.traj`/`.state` layout and zip) store their numbers.
extension Array where Element == UInt8 {
    /// The `Integer` whose little-endian bytes start at `index`; the caller
    /// has checked that they are there.
    package func littleEndian<Integer: FixedWidthInteger>(_: Integer.Type, at index: Int) -> Integer {
        var value: Integer = 0
        for byte in self[index..<index + Integer.bitWidth / 8].reversed() {
            value = value << 8 | Integer(byte)
        }
        return value
    }

    package func littleEndianUInt64(at index: Int) -> UInt64 {
        littleEndian(UInt64.self, at: index)
    }

    package mutating func appendLittleEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        for shift in stride(from: 0, to: Integer.bitWidth, by: 8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}
