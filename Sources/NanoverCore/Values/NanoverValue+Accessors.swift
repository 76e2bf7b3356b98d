extension NanoverValue {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The number, if this is a number.
    public var doubleValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The number as an `Int`, if this is a number with no fractional part
    /// that fits in an `Int`. The wire carries doubles only, so this is how
    /// an integer sent by a peer is read back: `3.0` gives `3`, `3.5` gives nil.
    public var intValue: Int? {
        guard case .number(let number) = self else { return nil }
        return Int(exactly: number)
    }

    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    public var listValue: [NanoverValue]? {
        if case .list(let list) = self { return list }
        return nil
    }

    public var structValue: NanoverStruct? {
        if case .structure(let fields) = self { return fields }
        return nil
    }

    /// The field with this key, if this is a struct that has it.
    public subscript(key: String) -> NanoverValue? {
        structValue?[key]
    }

    /// The element at this index, if this is a list that long.
    public subscript(index: Int) -> NanoverValue? {
        guard let list = listValue, list.indices.contains(index) else { return nil }
        return list[index]
    }
}
