/// Writes MessagePack in its smallest forms, as the common encoders do:
/// integers in the fewest bytes (non-negative ones as unsigned), strings as
/// `str`, binary as `bin`, floats at their own width.
///
/// Map entries are written in the order the value holds them, so a writer
/// that wants equal values to give equal bytes sorts them first. Lengths
/// and counts must fit 32 bits, as the format requires; a larger one stops
/// the program (no NanoVer message comes near).
public enum MessagePackWriter {
    /// The bytes of `value`.
    public static func bytes(_ value: MessagePackValue) -> [UInt8] {
        var bytes: [UInt8] = []
        write(value, into: &bytes)
        return bytes
    }

    /// Appends the bytes of `value` to `bytes`.
    public static func write(_ value: MessagePackValue, into bytes: inout [UInt8]) {
        switch value {
        case .nil:
            bytes.append(0xC0)
        case .bool(let flag):
            bytes.append(flag ? 0xC3 : 0xC2)
        case .int(let number):
            if number >= 0 {
                writeUnsigned(UInt64(number), into: &bytes)
            } else if number >= -32 {
                bytes.append(UInt8(bitPattern: Int8(number)))
            } else if number >= Int64(Int8.min) {
                bytes.append(0xD0)
                bytes.append(UInt8(bitPattern: Int8(number)))
            } else if number >= Int64(Int16.min) {
                bytes.append(0xD1)
                appendBigEndian(UInt64(UInt16(bitPattern: Int16(number))), byteCount: 2, to: &bytes)
            } else if number >= Int64(Int32.min) {
                bytes.append(0xD2)
                appendBigEndian(UInt64(UInt32(bitPattern: Int32(number))), byteCount: 4, to: &bytes)
            } else {
                bytes.append(0xD3)
                appendBigEndian(UInt64(bitPattern: number), byteCount: 8, to: &bytes)
            }
        case .uint(let number):
            writeUnsigned(number, into: &bytes)
        case .float(let number):
            bytes.append(0xCA)
            appendBigEndian(UInt64(number.bitPattern), byteCount: 4, to: &bytes)
        case .double(let number):
            bytes.append(0xCB)
            appendBigEndian(number.bitPattern, byteCount: 8, to: &bytes)
        case .string(let string):
            let utf8 = Array(string.utf8)
            writeHeader(count: utf8.count, fix: 0xA0, fixLimit: 32, eight: 0xD9, sixteen: 0xDA, thirtyTwo: 0xDB, into: &bytes)
            bytes += utf8
        case .binary(let data):
            writeHeader(count: data.count, fix: nil, fixLimit: 0, eight: 0xC4, sixteen: 0xC5, thirtyTwo: 0xC6, into: &bytes)
            bytes += data
        case .array(let elements):
            writeArrayHeader(count: elements.count, into: &bytes)
            for element in elements {
                write(element, into: &bytes)
            }
        case .map(let entries):
            writeMapHeader(count: entries.count, into: &bytes)
            for (key, element) in entries {
                write(key, into: &bytes)
                write(element, into: &bytes)
            }
        case .ext(let type, let data):
            switch data.count {
            case 1: bytes.append(0xD4)
            case 2: bytes.append(0xD5)
            case 4: bytes.append(0xD6)
            case 8: bytes.append(0xD7)
            case 16: bytes.append(0xD8)
            default:
                writeHeader(count: data.count, fix: nil, fixLimit: 0, eight: 0xC7, sixteen: 0xC8, thirtyTwo: 0xC9, into: &bytes)
            }
            bytes.append(UInt8(bitPattern: type))
            bytes += data
        }
    }

    /// Appends the header of a map of `count` entries, for writers that
    /// append entries already encoded.
    public static func writeMapHeader(count: Int, into bytes: inout [UInt8]) {
        writeHeader(count: count, fix: 0x80, fixLimit: 16, eight: nil, sixteen: 0xDE, thirtyTwo: 0xDF, into: &bytes)
    }

    /// Appends the header of an array of `count` elements, for writers that
    /// append elements already encoded.
    public static func writeArrayHeader(count: Int, into bytes: inout [UInt8]) {
        writeHeader(count: count, fix: 0x90, fixLimit: 16, eight: nil, sixteen: 0xDC, thirtyTwo: 0xDD, into: &bytes)
    }

    private static func writeUnsigned(_ number: UInt64, into bytes: inout [UInt8]) {
        switch number {
        case 0..<0x80:
            bytes.append(UInt8(number))
        case 0x80...0xFF:
            bytes.append(0xCC)
            bytes.append(UInt8(number))
        case 0x100...0xFFFF:
            bytes.append(0xCD)
            appendBigEndian(number, byteCount: 2, to: &bytes)
        case 0x1_0000...0xFFFF_FFFF:
            bytes.append(0xCE)
            appendBigEndian(number, byteCount: 4, to: &bytes)
        default:
            bytes.append(0xCF)
            appendBigEndian(number, byteCount: 8, to: &bytes)
        }
    }

    /// A length header: the fix form below `fixLimit` when there is one,
    /// then the 8-, 16- and 32-bit forms. Counts past 32 bits cannot be
    /// written; no message of a session comes near.
    private static func writeHeader(
        count: Int, fix: UInt8?, fixLimit: Int, eight: UInt8?, sixteen: UInt8, thirtyTwo: UInt8, into bytes: inout [UInt8]
    ) {
        if let fix, count < fixLimit {
            bytes.append(fix | UInt8(count))
        } else if let eight, count <= 0xFF {
            bytes.append(eight)
            bytes.append(UInt8(count))
        } else if count <= 0xFFFF {
            bytes.append(sixteen)
            appendBigEndian(UInt64(count), byteCount: 2, to: &bytes)
        } else {
            precondition(count <= 0xFFFF_FFFF, "MessagePack cannot hold \(count) elements")
            bytes.append(thirtyTwo)
            appendBigEndian(UInt64(count), byteCount: 4, to: &bytes)
        }
    }

    private static func appendBigEndian(_ value: UInt64, byteCount: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
