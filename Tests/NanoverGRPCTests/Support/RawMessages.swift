import GRPCCore

/// Protobuf bytes built by hand: what no well-behaved encoder would send.
enum RawMessages {
    /// An `UpdateStateRequest` whose one key holds lists nested `depth`
    /// deep around a number, built without recursion so that the test
    /// itself cannot overflow its stack.
    static func deeplyNestedUpdateRequest(depth: Int) -> [UInt8] {
        let leaf: [UInt8] = [0x11] + Array(repeating: 0, count: 8)  // Value.number_value = 0
        // Lengths from the inside out: each level is Value{list_value: ListValue{values: [inner]}}.
        var valueLengths = [leaf.count]
        var listLengths: [Int] = []
        for _ in 0..<depth {
            let inner = valueLengths.last!
            let list = 1 + varintSize(inner) + inner
            listLengths.append(list)
            valueLengths.append(1 + varintSize(list) + list)
        }
        var value: [UInt8] = []
        value.reserveCapacity(valueLengths.last!)
        for level in (0..<depth).reversed() {
            value.append(0x32)  // Value.list_value
            appendVarint(listLengths[level], to: &value)
            value.append(0x0A)  // ListValue.values
            appendVarint(valueLengths[level], to: &value)
        }
        value += leaf
        return updateRequest(key: "deep", valueBytes: value)
    }

    /// An `UpdateStateRequest` setting `key` to the `Value` encoded as `valueBytes`.
    static func updateRequest(key: String, valueBytes: [UInt8]) -> [UInt8] {
        let entry = lengthDelimited(0x0A, Array(key.utf8)) + lengthDelimited(0x12, valueBytes)
        let structure = lengthDelimited(0x0A, entry)  // Struct.fields
        let update = lengthDelimited(0x0A, structure)  // StateUpdate.changed_keys
        return lengthDelimited(0x12, update)  // UpdateStateRequest.update
    }

    /// A `StateUpdate` setting `key` to the `Value` encoded as `valueBytes`.
    static func stateUpdate(key: String, valueBytes: [UInt8]) -> [UInt8] {
        let entry = lengthDelimited(0x0A, Array(key.utf8)) + lengthDelimited(0x12, valueBytes)
        return lengthDelimited(0x0A, lengthDelimited(0x0A, entry))
    }

    /// Lists nested `depth` deep around a number, as `Value` bytes.
    static func deeplyNestedValue(depth: Int) -> [UInt8] {
        let request = deeplyNestedUpdateRequest(depth: depth)
        // Peel the four wrappers updateRequest added.
        var bytes = request
        for _ in 0..<3 {
            bytes = contents(ofLengthDelimited: bytes)
        }
        // Now an entry: skip the key field, then take the value field.
        let keyLength = Int(bytes[1])
        return contents(ofLengthDelimited: Array(bytes[(2 + keyLength)...]))
    }

    private static func contents(ofLengthDelimited bytes: [UInt8]) -> [UInt8] {
        var index = 1
        var length = 0
        var shift = 0
        while true {
            let byte = bytes[index]
            index += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Array(bytes[index..<index + length])
    }

    /// A length-delimited field: `tag`, the length, then `contents`.
    static func lengthDelimited(_ tag: UInt8, _ contents: [UInt8]) -> [UInt8] {
        var bytes = [tag]
        appendVarint(contents.count, to: &bytes)
        return bytes + contents
    }

    private static func varintSize(_ value: Int) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    private static func appendVarint(_ value: Int, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}

/// Sends bytes as they are.
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Receives bytes as they are.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
