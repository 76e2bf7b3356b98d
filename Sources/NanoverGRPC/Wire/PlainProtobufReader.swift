import NanoverCore

/// Reads protobuf binary `Struct`s and `Value`s straight into
/// ``NanoverValue``s, without building swift-protobuf messages first.
///
/// Every state update a server receives is decoded; building a tree of
/// swift-protobuf messages and then converting it cost as much of the
/// server's time as the engine's own work. This reader covers the plain form
/// that encoders write: known fields with their own wire types, each field
/// of a message at most once (map entries and list elements repeat, and a
/// later map entry for a key replaces an earlier one, as protobuf says).
/// Anything else (unknown fields, groups, a field repeated where protobuf
/// would merge, invalid UTF-8, nesting past
/// ``NanoverValue/maximumNestingDepth``, malformed bytes) throws
/// ``NotPlain``, and the caller decodes those bytes with a full protobuf
/// decoder instead, whose result or error stands. So the reader never has
/// to agree with protobuf's rarer rules, only to refuse what it does not
/// cover.
package struct PlainProtobufReader {
    /// The bytes are outside the plain form this reader covers.
    package struct NotPlain: Error {
        package init() {}
    }

    private let base: UnsafeRawPointer?
    private var offset: Int
    private let end: Int

    package init(_ buffer: UnsafeRawBufferPointer) {
        self.init(base: buffer.baseAddress, offset: 0, end: buffer.count)
    }

    private init(base: UnsafeRawPointer?, offset: Int, end: Int) {
        self.base = base
        self.offset = offset
        self.end = end
    }

    // MARK: Wire format

    private mutating func byte() throws(NotPlain) -> UInt8 {
        guard offset < end, let base else { throw NotPlain() }
        defer { offset += 1 }
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    package mutating func varint() throws(NotPlain) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            // A tenth byte may only hold the top bit; longer is malformed.
            if shift == 63, next > 1 { throw NotPlain() }
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return result }
            shift += 7
            if shift > 63 { throw NotPlain() }
        }
    }

    /// The next field's number and wire type, or nil at the end of the
    /// message.
    package mutating func field() throws(NotPlain) -> (number: UInt64, wireType: UInt64)? {
        guard offset < end else { return nil }
        let key = try varint()
        guard key >> 3 != 0, key < UInt64(UInt32.max) else { throw NotPlain() }
        return (key >> 3, key & 7)
    }

    /// The body of a length-delimited field, as a reader of its own.
    package mutating func nested() throws(NotPlain) -> PlainProtobufReader {
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw NotPlain() }
        let body = PlainProtobufReader(base: base, offset: offset, end: offset + Int(length))
        offset += Int(length)
        return body
    }

    package mutating func string() throws(NotPlain) -> String {
        let body = try nested()
        let bytes = UnsafeRawBufferPointer(start: base.map { $0 + body.offset }, count: body.end - body.offset)
        guard let string = String(validating: bytes, as: UTF8.self) else { throw NotPlain() }
        return string
    }

    package mutating func double() throws(NotPlain) -> Double {
        guard end - offset >= 8, let base else { throw NotPlain() }
        defer { offset += 8 }
        return Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }

    /// Skips a field of the given wire type.
    package mutating func skip(_ wireType: UInt64) throws(NotPlain) {
        switch wireType {
        case 0: _ = try varint()
        case 1: _ = try double()
        case 2: _ = try nested()
        case 5:
            guard end - offset >= 4 else { throw NotPlain() }
            offset += 4
        default: throw NotPlain()
        }
    }

    // MARK: Values

    /// The fields of the `Struct` whose body this reader holds. `depth`
    /// counts the lists and structs that enclose the fields' values, this
    /// struct included, as the depth limit counts them.
    package mutating func structFields(depth: Int) throws(NotPlain) -> NanoverStruct {
        var fields = NanoverStruct()
        while let (number, wireType) = try field() {
            guard number == 1, wireType == 2 else { throw NotPlain() }
            var entry = try nested()
            let (key, value) = try entry.structEntry(depth: depth)
            fields[key] = value
        }
        return fields
    }

    /// A map entry of `Struct.fields`; a missing key is the empty string and
    /// a missing value is null, as protobuf reads them.
    private mutating func structEntry(depth: Int) throws(NotPlain) -> (String, NanoverValue) {
        var key: String?
        var value: NanoverValue?
        while let (number, wireType) = try field() {
            switch (number, wireType) {
            case (1, 2) where key == nil:
                key = try string()
            case (2, 2) where value == nil:
                var body = try nested()
                value = try body.value(depth: depth)
            default:
                throw NotPlain()
            }
        }
        return (key ?? "", value ?? .null)
    }

    /// The `Value` whose body this reader holds, enclosed in `depth` lists
    /// and structs. A value with no kind set is null.
    private mutating func value(depth: Int) throws(NotPlain) -> NanoverValue {
        var result: NanoverValue?
        while let (number, wireType) = try field() {
            // A second kind would replace or merge into the first: protobuf's
            // rules, left to the full decoder.
            guard result == nil else { throw NotPlain() }
            switch (number, wireType) {
            case (1, 0):
                _ = try varint()
                result = .null
            case (2, 1):
                result = .double(try double())
            case (3, 2):
                result = .string(try string())
            case (4, 0):
                result = .bool(try varint() != 0)
            case (5, 2):
                guard depth < NanoverValue.maximumNestingDepth else { throw NotPlain() }
                var body = try nested()
                result = .structure(try body.structFields(depth: depth + 1))
            case (6, 2):
                guard depth < NanoverValue.maximumNestingDepth else { throw NotPlain() }
                var body = try nested()
                result = .list(try body.listValues(depth: depth + 1))
            default:
                throw NotPlain()
            }
        }
        return result ?? .null
    }

    /// The elements of the `ListValue` whose body this reader holds.
    private mutating func listValues(depth: Int) throws(NotPlain) -> [NanoverValue] {
        var values: [NanoverValue] = []
        while let (number, wireType) = try field() {
            guard number == 1, wireType == 2 else { throw NotPlain() }
            var body = try nested()
            values.append(try body.value(depth: depth))
        }
        return values
    }
}
