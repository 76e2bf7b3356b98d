extension NanoverValue {
    /// Whether this is ``null``: nil stored as a value.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The number as a `Double`, whatever its kind (integers beyond 2^53
    /// are rounded); nil for anything but a number.
    public var doubleValue: Double? {
        switch self {
        case .double(let number): return number
        case .int(let number): return Double(number)
        case .uint(let number): return Double(number)
        default: return nil
        }
    }

    /// The number as an `Int`, if it is a whole number that fits: an
    /// integer, or a double with no fractional part (`3.0` gives `3`, `3.5`
    /// gives nil), which is how a gRPC peer's integers arrive.
    public var intValue: Int? {
        switch self {
        case .int(let number): return Int(exactly: number)
        case .uint(let number): return Int(exactly: number)
        case .double(let number): return Int(exactly: number)
        default: return nil
        }
    }

    /// The number as a `UInt64`, if it is a whole number from 0 to
    /// `UInt64.max`.
    public var uint64Value: UInt64? {
        switch self {
        case .int(let number): return UInt64(exactly: number)
        case .uint(let number): return number
        case .double(let number): return UInt64(exactly: number)
        default: return nil
        }
    }

    /// The string, if this is a string; nil for anything else (a number is
    /// not turned into text).
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The flag, if this is a boolean; nil for anything else (a number is
    /// not a boolean).
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The bytes, if this is binary data.
    public var binaryValue: [UInt8]? {
        if case .binary(let bytes) = self { return bytes }
        return nil
    }

    /// The elements, if this is a list.
    public var listValue: [NanoverValue]? {
        if case .list(let list) = self { return list }
        return nil
    }

    /// The fields, if this is a struct.
    public var structValue: NanoverStruct? {
        if case .structure(let fields) = self { return fields }
        return nil
    }

    /// Whether this is a number of any kind.
    public var isNumber: Bool {
        doubleValue != nil
    }

    /// The field with this key, if this is a struct that has it: chains
    /// read nested values, `value["owner"]?["id"]`.
    ///
    /// - Parameter key: The field's name.
    public subscript(key: String) -> NanoverValue? {
        structValue?[key]
    }

    /// The element at this index, if this is a list that long.
    ///
    /// - Parameter index: From 0.
    public subscript(index: Int) -> NanoverValue? {
        guard let list = listValue, list.indices.contains(index) else { return nil }
        return list[index]
    }
}
