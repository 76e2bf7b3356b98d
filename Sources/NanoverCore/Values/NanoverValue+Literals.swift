extension NanoverValue: ExpressibleByNilLiteral {
    /// `nil` is ``null``.
    public init(nilLiteral: ()) { self = .null }
}

extension NanoverValue: ExpressibleByBooleanLiteral {
    /// `true` and `false` are ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension NanoverValue: ExpressibleByIntegerLiteral {
    /// An integer literal is ``int(_:)``, never a double.
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension NanoverValue: ExpressibleByFloatLiteral {
    /// A literal with a point or an exponent is ``double(_:)``.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension NanoverValue: ExpressibleByStringLiteral {
    /// A string literal is ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension NanoverValue: ExpressibleByArrayLiteral {
    /// An array literal is ``list(_:)``.
    public init(arrayLiteral elements: NanoverValue...) { self = .list(elements) }
}

extension NanoverValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal is ``structure(_:)``; a later duplicate key
    /// wins, as in a JSON object.
    public init(dictionaryLiteral elements: (String, NanoverValue)...) {
        self = .structure(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension NanoverValue {
    /// An integer: ``int(_:)`` when it fits an `Int64`, else ``uint(_:)``
    /// when it fits a `UInt64`, else (wider integer types only) the nearest
    /// double.
    ///
    /// - Parameter value: Any integer.
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
    ///
    /// - Parameter value: Any floating-point number; a `Float` is widened
    ///   exactly.
    public init<F: BinaryFloatingPoint>(_ value: F) { self = .double(Double(value)) }

    /// A string value.
    ///
    /// - Parameter value: The string.
    public init(_ value: String) { self = .string(value) }

    /// A boolean value.
    ///
    /// - Parameter value: The flag.
    public init(_ value: Bool) { self = .bool(value) }

    /// A list of values.
    ///
    /// - Parameter values: The elements.
    public init(_ values: [NanoverValue]) { self = .list(values) }

    /// A struct of values.
    ///
    /// - Parameter fields: The fields by name.
    public init(_ fields: NanoverStruct) { self = .structure(fields) }
}
