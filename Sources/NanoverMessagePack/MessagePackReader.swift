/// Reads MessagePack strictly: exactly one value filling the bytes, every
/// length checked against the bytes left before anything is allocated,
/// strings valid UTF-8, nesting bounded. Whatever the bytes, it returns a
/// value or throws a ``MessagePackError``; it never traps.
///
/// Every form of the MessagePack specification is read, extension types
/// included (as ``MessagePackValue/ext(_:_:)``); the reserved byte `0xc1`
/// is refused. A length that claims more bytes than are left is
/// ``MessagePackError/truncated(offset:)`` before any memory is reserved
/// for it, so a few hostile bytes cannot make the reader allocate
/// gigabytes.
public struct MessagePackReader {
    /// How deep arrays and maps may nest by default: 128 levels, past which
    /// reading throws ``MessagePackError/nestedTooDeeply(limit:)`` rather
    /// than recursing further.
    public static let defaultDepthLimit = 128

    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private let depthLimit: Int

    /// The one value `bytes` holds.
    ///
    /// - Parameters:
    ///   - bytes: Exactly one MessagePack value; contiguous storage (an
    ///     array, a slice of one) is read in place.
    ///   - depthLimit: How deep arrays and maps may nest.
    /// - Returns: The value.
    /// - Throws: ``MessagePackError``; ``MessagePackError/trailingBytes(offset:)``
    ///   when bytes follow the value.
    public static func value(from bytes: some Collection<UInt8>, depthLimit: Int = defaultDepthLimit) throws(MessagePackError) -> MessagePackValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(MessagePackError) in try value(from: UnsafeRawBufferPointer(buffer), depthLimit: depthLimit) }
        } ?? Array(bytes).withUnsafeBytes { buffer in
            Result { () throws(MessagePackError) in try value(from: buffer, depthLimit: depthLimit) }
        }
        return try result.get()
    }

    /// The one value the buffer holds.
    ///
    /// - Parameters:
    ///   - buffer: Exactly one MessagePack value.
    ///   - depthLimit: How deep arrays and maps may nest.
    /// - Returns: The value.
    /// - Throws: ``MessagePackError``; ``MessagePackError/trailingBytes(offset:)``
    ///   when bytes follow the value.
    public static func value(from buffer: UnsafeRawBufferPointer, depthLimit: Int = defaultDepthLimit) throws(MessagePackError) -> MessagePackValue {
        var reader = MessagePackReader(bytes: buffer, depthLimit: depthLimit)
        let value = try reader.read(depth: 0)
        guard reader.offset == buffer.count else { throw .trailingBytes(offset: reader.offset) }
        return value
    }

    /// The value that starts at byte `start` of the buffer, and the offset
    /// just past it: for bytes that hold values one after another.
    ///
    /// - Parameters:
    ///   - buffer: Bytes holding one value or more, one after another.
    ///   - start: The offset of the value's first byte.
    ///   - depthLimit: How deep arrays and maps may nest.
    /// - Returns: The value, and the offset of the byte after it (the
    ///   buffer's count after the last value).
    /// - Throws: ``MessagePackError``; ``MessagePackError/truncated(offset:)``
    ///   when the bytes end inside the value.
    public static func value(
        from buffer: UnsafeRawBufferPointer, startingAt start: Int, depthLimit: Int = defaultDepthLimit
    ) throws(MessagePackError) -> (value: MessagePackValue, end: Int) {
        var reader = MessagePackReader(bytes: buffer, depthLimit: depthLimit)
        reader.offset = start
        let value = try reader.read(depth: 0)
        return (value, reader.offset)
    }

    /// When an array starts at byte `start` of the buffer, its element
    /// count and the offset of its first element, its elements unread; nil
    /// for any other value. Lets a reader go through a long array one
    /// element at a time with ``value(from:startingAt:depthLimit:)``.
    ///
    /// - Parameters:
    ///   - buffer: The bytes.
    ///   - start: The offset of the array's first byte.
    /// - Returns: The element count and the offset of the first element;
    ///   nil when the value at `start` is not an array.
    /// - Throws: ``MessagePackError/truncated(offset:)`` when the bytes end
    ///   inside the header.
    public static func arrayHeader(in buffer: UnsafeRawBufferPointer, at start: Int) throws(MessagePackError) -> (count: Int, end: Int)? {
        var reader = MessagePackReader(bytes: buffer, depthLimit: defaultDepthLimit)
        reader.offset = start
        switch try reader.byte() {
        case let lead where lead & 0xF0 == 0x90: return (Int(lead & 0x0F), reader.offset)
        case 0xDC: return (Int(try reader.unsigned(2)), reader.offset)
        case 0xDD: return (Int(try reader.unsigned(4)), reader.offset)
        default: return nil
        }
    }

    private init(bytes: UnsafeRawBufferPointer, depthLimit: Int) {
        self.bytes = bytes
        self.depthLimit = depthLimit
    }

    private mutating func read(depth: Int) throws(MessagePackError) -> MessagePackValue {
        let start = offset
        let lead = try byte()
        switch lead {
        case 0x00...0x7F: return .uint(UInt64(lead))
        case 0x80...0x8F: return try map(count: Int(lead & 0x0F), depth: depth)
        case 0x90...0x9F: return try array(count: Int(lead & 0x0F), depth: depth)
        case 0xA0...0xBF: return try string(count: Int(lead & 0x1F), at: start)
        case 0xC0: return .nil
        case 0xC1: throw .reservedByte(offset: start)
        case 0xC2: return .bool(false)
        case 0xC3: return .bool(true)
        case 0xC4: return .binary(try take(Int(try unsigned(1))))
        case 0xC5: return .binary(try take(Int(try unsigned(2))))
        case 0xC6: return .binary(try take(Int(try unsigned(4))))
        case 0xC7: return try ext(count: Int(try unsigned(1)))
        case 0xC8: return try ext(count: Int(try unsigned(2)))
        case 0xC9: return try ext(count: Int(try unsigned(4)))
        case 0xCA: return .float(Float(bitPattern: UInt32(try unsigned(4))))
        case 0xCB: return .double(Double(bitPattern: try unsigned(8)))
        case 0xCC: return .uint(try unsigned(1))
        case 0xCD: return .uint(try unsigned(2))
        case 0xCE: return .uint(try unsigned(4))
        case 0xCF: return .uint(try unsigned(8))
        case 0xD0: return .int(Int64(Int8(truncatingIfNeeded: try unsigned(1))))
        case 0xD1: return .int(Int64(Int16(truncatingIfNeeded: try unsigned(2))))
        case 0xD2: return .int(Int64(Int32(truncatingIfNeeded: try unsigned(4))))
        case 0xD3: return .int(Int64(bitPattern: try unsigned(8)))
        case 0xD4: return try ext(count: 1)
        case 0xD5: return try ext(count: 2)
        case 0xD6: return try ext(count: 4)
        case 0xD7: return try ext(count: 8)
        case 0xD8: return try ext(count: 16)
        case 0xD9: return try string(count: Int(try unsigned(1)), at: start)
        case 0xDA: return try string(count: Int(try unsigned(2)), at: start)
        case 0xDB: return try string(count: Int(try unsigned(4)), at: start)
        case 0xDC: return try array(count: Int(try unsigned(2)), depth: depth)
        case 0xDD: return try array(count: Int(try unsigned(4)), depth: depth)
        case 0xDE: return try map(count: Int(try unsigned(2)), depth: depth)
        case 0xDF: return try map(count: Int(try unsigned(4)), depth: depth)
        default: return .int(Int64(Int8(bitPattern: lead)))  // negative fixint, 0xE0...0xFF
        }
    }

    private mutating func byte() throws(MessagePackError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A big-endian unsigned integer of `count` bytes.
    private mutating func unsigned(_ count: Int) throws(MessagePackError) -> UInt64 {
        guard bytes.count - offset >= count else { throw .truncated(offset: offset) }
        var value: UInt64 = 0
        for index in offset..<offset + count {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += count
        return value
    }

    private mutating func take(_ count: Int) throws(MessagePackError) -> [UInt8] {
        guard bytes.count - offset >= count else { throw .truncated(offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func string(count: Int, at start: Int) throws(MessagePackError) -> MessagePackValue {
        guard bytes.count - offset >= count else { throw .truncated(offset: offset) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        guard let string = String(validating: slice, as: UTF8.self) else { throw .invalidUTF8(offset: start) }
        offset += count
        return .string(string)
    }

    private mutating func ext(count: Int) throws(MessagePackError) -> MessagePackValue {
        let type = Int8(bitPattern: try byte())
        return .ext(type, try take(count))
    }

    private mutating func array(count: Int, depth: Int) throws(MessagePackError) -> MessagePackValue {
        guard depth < depthLimit else { throw .nestedTooDeeply(limit: depthLimit) }
        // Every element takes at least a byte: a count beyond the bytes left
        // is cut short before anything is reserved for it.
        guard bytes.count - offset >= count else { throw .truncated(offset: offset) }
        var elements: [MessagePackValue] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try read(depth: depth + 1))
        }
        return .array(elements)
    }

    private mutating func map(count: Int, depth: Int) throws(MessagePackError) -> MessagePackValue {
        guard depth < depthLimit else { throw .nestedTooDeeply(limit: depthLimit) }
        guard (bytes.count - offset) / 2 >= count else { throw .truncated(offset: offset) }
        var entries: [(MessagePackValue, MessagePackValue)] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let key = try read(depth: depth + 1)
            entries.append((key, try read(depth: depth + 1)))
        }
        return .map(entries)
    }
}
