import NanoverCore

/// Writes `google.protobuf.Value`s and `Struct` map entries straight to
/// protobuf binary, without building swift-protobuf messages first.
///
/// The state service sends every changed key to every subscriber; encoding
/// each change once, here (``ProtobufStructEntry``), and concatenating the
/// bytes per subscriber is what keeps fan-out cheap. Values map as
/// `NanoverValue.protobufValue()` maps them. Two passes: the first records the length of
/// every length-delimited part in pre-order, the second writes them in the
/// same order, so the work is linear in the size of the value.
struct ProtobufValueWriter {
    // Field tags: (field number << 3) | wire type.
    private static let nullTag: UInt8 = 0x08      // Value.null_value, varint
    private static let numberTag: UInt8 = 0x11    // Value.number_value, fixed64
    private static let stringTag: UInt8 = 0x1A    // Value.string_value, length-delimited
    private static let boolTag: UInt8 = 0x20      // Value.bool_value, varint
    private static let structTag: UInt8 = 0x2A    // Value.struct_value, length-delimited
    private static let listTag: UInt8 = 0x32      // Value.list_value, length-delimited
    private static let firstFieldTag: UInt8 = 0x0A  // field 1, length-delimited: Struct.fields, ListValue.values, entry key
    private static let entryValueTag: UInt8 = 0x12  // map entry value, field 2

    private var lengths: [Int] = []
    private var cursor = 0
    private var tooDeep = false
    private(set) var bytes: [UInt8] = []

    /// The bytes of one `Struct.fields` map entry, tag and length included,
    /// so that entries for different keys concatenate into a `Struct`.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)`` when the value
    ///   nests deeper than a field of a struct may.
    static func structField(key: String, value: NanoverValue) throws(NanoverValueError) -> [UInt8] {
        var writer = ProtobufValueWriter()
        let entryLength = writer.measureEntry(key: key, value: value, depth: 1)
        if writer.tooDeep {
            throw .nestedTooDeeply(limit: NanoverValue.maximumNestingDepth)
        }
        writer.bytes.reserveCapacity(1 + varintSize(entryLength) + entryLength)
        writer.writeEntry(key: key, value: value)
        return writer.bytes
    }

    /// A map entry of `key` to null, which cannot fail.
    static func nullField(key: String) -> [UInt8] {
        var writer = ProtobufValueWriter()
        _ = writer.measureEntry(key: key, value: .null, depth: 1)
        writer.writeEntry(key: key, value: .null)
        return writer.bytes
    }

    /// The size of a message whose field `fieldNumber` (below 16) is a
    /// `Struct` of pre-encoded entries (as from ``structField(key:value:)``)
    /// totalling `entriesLength` bytes.
    static func messageSize(entriesLength: Int) -> Int {
        1 + varintSize(entriesLength) + entriesLength
    }

    /// Writes that message into `buffer`, which must be exactly
    /// ``messageSize(entriesLength:)`` bytes: straight into the transport's
    /// buffer, with no intermediate array.
    static func writeMessage<C: Collection>(
        structFieldNumber fieldNumber: Int, entries: C, entriesLength: Int, into buffer: UnsafeMutableRawBufferPointer
    ) where C.Element == [UInt8] {
        precondition(buffer.count == messageSize(entriesLength: entriesLength), "buffer size does not match the message")
        var header: [UInt8] = [UInt8(fieldNumber << 3 | 2)]
        appendVarint(UInt64(entriesLength), to: &header)
        var offset = 0
        func copy(_ part: [UInt8]) {
            part.withUnsafeBytes { partBytes in
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + partBytes.count]).copyMemory(from: partBytes)
            }
            offset += part.count
        }
        copy(header)
        for entry in entries {
            copy(entry)
        }
    }

    // MARK: Measuring

    /// `depth`: how many lists and structs enclose the entry, its own struct
    /// included.
    private mutating func measureEntry(key: String, value: NanoverValue, depth: Int) -> Int {
        let slot = reserveSlot()
        let keyLength = key.utf8.count
        let valueLength = measureValue(value, depth: depth)
        let length = 1 + Self.varintSize(keyLength) + keyLength + 1 + Self.varintSize(valueLength) + valueLength
        lengths[slot] = length
        return 1 + Self.varintSize(length) + length
    }

    /// The length of a `Value` message's content. Past the nesting limit it
    /// flags the value and stops descending, so hostile depth costs little.
    private mutating func measureValue(_ value: NanoverValue, depth: Int) -> Int {
        let slot = reserveSlot()
        switch value {
        case .list, .structure:
            if depth >= NanoverValue.maximumNestingDepth {
                tooDeep = true
                return 0
            }
        default:
            break
        }
        let length: Int
        switch value {
        case .null, .bool:
            length = 2
        case .int, .uint, .double:
            length = 9
        case .string(let string):
            let count = string.utf8.count
            length = 1 + Self.varintSize(count) + count
        case .binary(let bytes):
            let count = Self.base64Count(bytes.count)
            length = 1 + Self.varintSize(count) + count
        case .list(let list):
            let listSlot = reserveSlot()
            var listLength = 0
            for element in list {
                let elementLength = measureValue(element, depth: depth + 1)
                listLength += 1 + Self.varintSize(elementLength) + elementLength
            }
            lengths[listSlot] = listLength
            length = 1 + Self.varintSize(listLength) + listLength
        case .structure(let fields):
            let structSlot = reserveSlot()
            var structLength = 0
            for (key, field) in fields {
                structLength += measureEntry(key: key, value: field, depth: depth + 1)
            }
            lengths[structSlot] = structLength
            length = 1 + Self.varintSize(structLength) + structLength
        }
        lengths[slot] = length
        return length
    }

    private mutating func reserveSlot() -> Int {
        lengths.append(0)
        return lengths.count - 1
    }

    // MARK: Writing (same traversal order as measuring)

    private mutating func nextLength() -> Int {
        defer { cursor += 1 }
        return lengths[cursor]
    }

    private mutating func writeEntry(key: String, value: NanoverValue) {
        bytes.append(Self.firstFieldTag)
        writeLength(nextLength())
        bytes.append(Self.firstFieldTag)
        writeLength(key.utf8.count)
        bytes.append(contentsOf: key.utf8)
        bytes.append(Self.entryValueTag)
        writeValue(value)
    }

    /// Writes a `Value`'s length and content.
    private mutating func writeValue(_ value: NanoverValue) {
        writeLength(nextLength())
        switch value {
        case .null:
            bytes.append(Self.nullTag)
            bytes.append(0)
        case .int, .uint, .double:
            bytes.append(Self.numberTag)
            withUnsafeBytes(of: (value.doubleValue ?? 0).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .string(let string):
            bytes.append(Self.stringTag)
            writeLength(string.utf8.count)
            bytes.append(contentsOf: string.utf8)
        case .binary(let binary):
            let string = NanoverValue.protobufString(ofBinary: binary)
            bytes.append(Self.stringTag)
            writeLength(string.utf8.count)
            bytes.append(contentsOf: string.utf8)
        case .bool(let bool):
            bytes.append(Self.boolTag)
            bytes.append(bool ? 1 : 0)
        case .list(let list):
            bytes.append(Self.listTag)
            writeLength(nextLength())
            for element in list {
                bytes.append(Self.firstFieldTag)
                writeValue(element)
            }
        case .structure(let fields):
            bytes.append(Self.structTag)
            writeLength(nextLength())
            for (key, field) in fields {
                writeEntry(key: key, value: field)
            }
        }
    }

    private mutating func writeLength(_ length: Int) {
        Self.appendVarint(UInt64(length), to: &bytes)
    }

    /// The length of `count` bytes in padded base64.
    private static func base64Count(_ count: Int) -> Int {
        (count + 2) / 3 * 4
    }

    // MARK: Varints

    static func varintSize(_ value: Int) -> Int {
        var value = UInt64(value)
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
