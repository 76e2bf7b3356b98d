import NanoverCore
import SwiftProtobuf
import Foundation

/// The gRPC protocol's form of values: `google.protobuf.Value`.
///
/// A `Value` holds less than a session value, so writing maps:
/// - integers (``/NanoverCore/NanoverValue/int(_:)``,
///   ``/NanoverCore/NanoverValue/uint(_:)``) become numbers, doubles, as
///   NanoVer's gRPC peers expect (magnitudes above 2^53 are rounded);
/// - binary data becomes a string of its bytes in base64 (standard alphabet,
///   padded), as protobuf's JSON mapping writes bytes;
/// - nil becomes the protobuf null; a stored nil at the top level of the
///   state therefore reaches gRPC subscribers as a removal of its key.
///
/// Reading gives doubles for numbers, and never binary.
extension NanoverValue {
    /// The value a protobuf `Value` holds. A `Value` with no kind set reads as
    /// null, as the reference runtimes read it.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError/nestedTooDeeply(limit:)``
    ///   past ``/NanoverCore/NanoverValue/maximumNestingDepth``.
    public init(protobuf proto: Google_Protobuf_Value) throws(NanoverValueError) {
        self = try NanoverValue.converting(proto, depth: 0)
    }

    /// This value as a protobuf `Value`.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError/nestedTooDeeply(limit:)``.
    public func protobufValue() throws(NanoverValueError) -> Google_Protobuf_Value {
        try validate()
        return unsafeProtobufValue()
    }

    /// Conversion without the depth check, for values already validated.
    func unsafeProtobufValue() -> Google_Protobuf_Value {
        var proto = Google_Protobuf_Value()
        switch self {
        case .null:
            proto.kind = .nullValue(.nullValue)
        case .bool(let bool):
            proto.kind = .boolValue(bool)
        case .int, .uint, .double:
            proto.kind = .numberValue(doubleValue ?? 0)
        case .string(let string):
            proto.kind = .stringValue(string)
        case .binary(let bytes):
            proto.kind = .stringValue(Self.protobufString(ofBinary: bytes))
        case .list(let list):
            proto.kind = .listValue(Google_Protobuf_ListValue(values: list.map { $0.unsafeProtobufValue() }))
        case .structure(let fields):
            proto.kind = .structValue(Google_Protobuf_Struct(fields: fields.mapValues { $0.unsafeProtobufValue() }))
        }
        return proto
    }

    /// How binary data is written as a protobuf string: base64.
    static func protobufString(ofBinary bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    private static func converting(_ proto: Google_Protobuf_Value, depth: Int) throws(NanoverValueError) -> NanoverValue {
        switch proto.kind {
        case .none, .nullValue:
            return .null
        case .numberValue(let number):
            return .double(number)
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
    /// - Throws: ``/NanoverCore/NanoverValueError/nestedTooDeeply(limit:)``.
    public init(protobuf proto: Google_Protobuf_Struct) throws(NanoverValueError) {
        self = try NanoverValue.converting(proto.fields, depth: 1)
    }

    /// This struct as a protobuf `Struct`.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError/nestedTooDeeply(limit:)``.
    public func protobufStruct() throws(NanoverValueError) -> Google_Protobuf_Struct {
        try validate()
        return Google_Protobuf_Struct(fields: mapValues { $0.unsafeProtobufValue() })
    }
}

extension StateChange {
    /// A change from the gRPC protocol's form: every changed key with its
    /// new value, a top-level null meaning removal.
    public init(protobufChangedKeys changedKeys: NanoverStruct) {
        var change = StateChange()
        for (key, value) in changedKeys {
            if value.isNull {
                change.remove(key)
            } else {
                change.set(key, to: value)
            }
        }
        self = change
    }

    /// The gRPC protocol's form: updated keys with their values, removed keys
    /// with null. An update to nil becomes null too, so over gRPC it removes
    /// the key.
    public var protobufChangedKeys: NanoverStruct {
        var keys = updates
        for key in removals {
            keys[key] = .null
        }
        return keys
    }
}
