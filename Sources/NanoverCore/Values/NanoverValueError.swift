/// Why a value cannot travel as a protobuf `Value`.
public enum NanoverValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Lists and structs nest deeper than ``NanoverValue/maximumNestingDepth``;
    /// protobuf decoders (ours and the reference's) refuse such messages.
    case nestedTooDeeply(limit: Int)
    /// A value of a Swift type with no protobuf `Value` form.
    case unsupportedType(String)

    public var description: String {
        switch self {
        case .nestedTooDeeply(let limit):
            return "value nests lists and structs more than \(limit) deep; protobuf decoders refuse it"
        case .unsupportedType(let type):
            return "a value of type \(type) cannot be expressed as a protobuf Value"
        }
    }
}

extension NanoverValue {
    /// How many lists and structs may nest inside one another in a value
    /// that goes on the wire.
    ///
    /// Protobuf decoders stop at 100 nested messages, and count them
    /// differently: the Python reference (upb) counts map entries and reads
    /// 33 levels of structs in any NanoVer message, swift-protobuf reads 49.
    /// One level below the strictest leaves room for decoders not measured
    /// (the C# of the VR client).
    public static let maximumNestingDepth = 32

    /// How deep lists and structs nest in this value: 0 for a scalar, 1 for
    /// a flat list or struct. Stops counting past `limit`, so its cost is
    /// bounded even for hostile input.
    public func nestingDepth(stoppingAfter limit: Int = .max) -> Int {
        func depth(_ value: NanoverValue, _ level: Int) -> Int {
            guard level <= limit else { return level }
            switch value {
            case .list(let list):
                return list.reduce(level + 1) { max($0, depth($1, level + 1)) }
            case .structure(let fields):
                return fields.values.reduce(level + 1) { max($0, depth($1, level + 1)) }
            default:
                return level
            }
        }
        return depth(self, 0)
    }

    /// Throws unless this value can go on the wire.
    public func validateForWire() throws(NanoverValueError) {
        let limit = NanoverValue.maximumNestingDepth
        if nestingDepth(stoppingAfter: limit) > limit {
            throw .nestedTooDeeply(limit: limit)
        }
    }
}

extension Dictionary where Key == String, Value == NanoverValue {
    /// Throws unless every value of this struct can go on the wire.
    public func validateForWire() throws(NanoverValueError) {
        try NanoverValue.structure(self).validateForWire()
    }
}
