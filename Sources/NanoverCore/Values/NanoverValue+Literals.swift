extension NanoverValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension NanoverValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension NanoverValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension NanoverValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
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
    /// An integer: ``int(_:)`` when it fits an `Int64`, else ``uint(_:)``
    /// when it fits a `UInt64`, else (wider integer types only) the nearest
    /// double.
    public init<I: BinaryInteger>(_ value: I) {
        if let signed = Int64(exactly: value) {
            self = .int(signed)
        } else if let unsigned = UInt64(exactly: value) {
            self = .uint(unsigned)
        } else {
            self = .double(Double(value))
        }
    }

    /// A floating-point number, as a double.
    public init<F: BinaryFloatingPoint>(_ value: F) { self = .double(Double(value)) }

    public init(_ value: String) { self = .string(value) }

    public init(_ value: Bool) { self = .bool(value) }

    public init(_ values: [NanoverValue]) { self = .list(values) }

    public init(_ fields: NanoverStruct) { self = .structure(fields) }
}
