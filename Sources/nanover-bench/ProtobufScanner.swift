/// Reads just enough of protobuf's wire format to find numbers in a
/// `StateUpdate` without building messages: the load generator's observers
/// use it so that measuring costs little next to the load itself.
struct ProtobufScanner {
    private let bytes: UnsafeRawBufferPointer
    private var offset: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        offset = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { offset >= end }

    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    /// The next field's number and wire type.
    mutating func tag() -> (field: UInt64, wireType: UInt64)? {
        guard let key = varint() else { return nil }
        return (key >> 3, key & 7)
    }

    /// A length-delimited field's extent, as a scanner of its own.
    mutating func nested() -> ProtobufScanner? {
        guard let length = varint().map(Int.init), offset + length <= end else { return nil }
        defer { offset += length }
        return ProtobufScanner(bytes, from: offset, to: offset + length)
    }

    mutating func double() -> Double? {
        guard offset + 8 <= end else { return nil }
        defer { offset += 8 }
        return Double(bitPattern: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
    }

    mutating func string() -> String? {
        guard let length = varint().map(Int.init), offset + length <= end else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
    }

    /// Skips a field of the given wire type; false if the bytes are malformed.
    mutating func skip(_ wireType: UInt64) -> Bool {
        switch wireType {
        case 0: return varint() != nil
        case 1: offset += 8
        case 2: return nested() != nil
        case 5: offset += 4
        default: return false
        }
        return offset <= end
    }
}

extension ProtobufScanner {
    /// Calls `body` with each key of a `StateUpdate` and, when its value is
    /// a struct, the numbers of its fields named in `fields` (nil where absent).
    static func forEachKey(inStateUpdate bytes: UnsafeRawBufferPointer, numberFields fields: [String], _ body: (String, [Double?]) -> Void) {
        var update = ProtobufScanner(bytes)
        while let (number, wireType) = update.tag() {
            guard number == 1, wireType == 2, var structure = update.nested() else {
                guard update.skip(wireType) else { return }
                continue
            }
            while let (entryNumber, entryType) = structure.tag() {
                guard entryNumber == 1, entryType == 2, var entry = structure.nested() else {
                    guard structure.skip(entryType) else { return }
                    continue
                }
                var key = ""
                var found: [Double?] = Array(repeating: nil, count: fields.count)
                while let (part, partType) = entry.tag() {
                    if part == 1, partType == 2 {
                        key = entry.string() ?? ""
                    } else if part == 2, partType == 2, var value = entry.nested() {
                        found = value.numbers(inStructFields: fields)
                    } else if !entry.skip(partType) {
                        break
                    }
                }
                body(key, found)
            }
        }
    }

    /// In a `Value` holding a struct, the numbers of the fields `names`.
    private mutating func numbers(inStructFields names: [String]) -> [Double?] {
        var found: [Double?] = Array(repeating: nil, count: names.count)
        while let (field, wireType) = tag() {
            guard field == 5, wireType == 2, var structure = nested() else {
                guard skip(wireType) else { return found }
                continue
            }
            while let (entryNumber, entryType) = structure.tag() {
                guard entryNumber == 1, entryType == 2, var entry = structure.nested() else {
                    guard structure.skip(entryType) else { return found }
                    continue
                }
                var key = ""
                var number: Double?
                while let (part, partType) = entry.tag() {
                    if part == 1, partType == 2 {
                        key = entry.string() ?? ""
                    } else if part == 2, partType == 2, var value = entry.nested() {
                        while let (valueField, valueType) = value.tag() {
                            if valueField == 2, valueType == 1 {
                                number = value.double()
                            } else if !value.skip(valueType) {
                                break
                            }
                        }
                    } else if !entry.skip(partType) {
                        break
                    }
                }
                if let index = names.firstIndex(of: key) {
                    found[index] = number
                }
            }
        }
        return found
    }
}
