extension NanoverValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension NanoverValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension NanoverValue: ExpressibleByIntegerLiteral {
    /// Integers become doubles, as they do on the wire.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension NanoverValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension NanoverValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension NanoverValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: NanoverValue...) { self = .list(elements) }
}

extension NanoverValue: ExpressibleByDictionaryLiteral {
    /// A later duplicate key wins, as in a JSON object.
    public init(dictionaryLiteral elements: (String, NanoverValue)...) {
        self = .structure(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension NanoverValue {
    /// A number from any binary integer; it becomes a double, as on the wire,
    /// so magnitudes above 2^53 lose precision.
    public init<I: BinaryInteger>(_ value: I) { self = .number(Double(value)) }

    /// A number from any binary floating-point value.
    public init<F: BinaryFloatingPoint>(_ value: F) { self = .number(Double(value)) }

    public init(_ value: String) { self = .string(value) }

    public init(_ value: Bool) { self = .bool(value) }

    public init(_ values: [NanoverValue]) { self = .list(values) }

    public init(_ fields: NanoverStruct) { self = .structure(fields) }
}
