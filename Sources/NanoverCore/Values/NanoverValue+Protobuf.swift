public import SwiftProtobuf

extension NanoverValue {
    /// The value a protobuf `Value` holds. A `Value` with no kind set reads as
    /// null, as the reference runtimes read it.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)`` for a value
    ///   nested beyond any decoder's limit (only a value built in memory can
    ///   be; decoded messages are already bounded).
    public init(_ proto: Google_Protobuf_Value) throws(NanoverValueError) {
        self = try NanoverValue.converting(proto, depth: 0)
    }

    /// This value as a protobuf `Value`.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)``.
    public func protobufValue() throws(NanoverValueError) -> Google_Protobuf_Value {
        try validateForWire()
        return unsafeProtobufValue()
    }

    /// Conversion without the depth check, for values already validated.
    func unsafeProtobufValue() -> Google_Protobuf_Value {
        var proto = Google_Protobuf_Value()
        switch self {
        case .null:
            proto.kind = .nullValue(.nullValue)
        case .number(let number):
            proto.kind = .numberValue(number)
        case .string(let string):
            proto.kind = .stringValue(string)
        case .bool(let bool):
            proto.kind = .boolValue(bool)
        case .list(let list):
            proto.kind = .listValue(Google_Protobuf_ListValue(values: list.map { $0.unsafeProtobufValue() }))
        case .structure(let fields):
            proto.kind = .structValue(Google_Protobuf_Struct(fields: fields.mapValues { $0.unsafeProtobufValue() }))
        }
        return proto
    }

    private static func converting(_ proto: Google_Protobuf_Value, depth: Int) throws(NanoverValueError) -> NanoverValue {
        switch proto.kind {
        case .none, .nullValue:
            return .null
        case .numberValue(let number):
            return .number(number)
        case .stringValue(let string):
            return .string(string)
        case .boolValue(let bool):
            return .bool(bool)
        case .listValue(let list):
            try checkDepth(depth + 1)
            var values: [NanoverValue] = []
            values.reserveCapacity(list.values.count)
            for element in list.values {
                values.append(try converting(element, depth: depth + 1))
            }
            return .list(values)
        case .structValue(let structure):
            try checkDepth(depth + 1)
            return .structure(try converting(structure.fields, depth: depth + 1))
        }
    }

    fileprivate static func converting(
        _ fields: [String: Google_Protobuf_Value], depth: Int
    ) throws(NanoverValueError) -> NanoverStruct {
        var result = NanoverStruct(minimumCapacity: fields.count)
        for (key, value) in fields {
            result[key] = try converting(value, depth: depth)
        }
        return result
    }

    private static func checkDepth(_ depth: Int) throws(NanoverValueError) {
        if depth > maximumNestingDepth {
            throw .nestedTooDeeply(limit: maximumNestingDepth)
        }
    }
}

extension Dictionary where Key == String, Value == NanoverValue {
    /// The fields of a protobuf `Struct`.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)``.
    public init(_ proto: Google_Protobuf_Struct) throws(NanoverValueError) {
        self = try NanoverValue.converting(proto.fields, depth: 1)
    }

    /// This struct as a protobuf `Struct`.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)``.
    public func protobufStruct() throws(NanoverValueError) -> Google_Protobuf_Struct {
        try validateForWire()
        return Google_Protobuf_Struct(fields: mapValues { $0.unsafeProtobufValue() })
    }
}
