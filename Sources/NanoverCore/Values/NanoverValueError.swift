/// Why a value cannot be taken into a NanoVer session.
public enum NanoverValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Lists and structs nest deeper than ``NanoverValue/maximumNestingDepth``.
    case nestedTooDeeply(limit: Int)
    /// A value of a Swift type with no NanoVer value form.
    case unsupportedType(String)

    /// The error in words.
    public var description: String {
        switch self {
        case .nestedTooDeeply(let limit):
            return "value nests lists and structs more than \(limit) deep, which some NanoVer clients cannot read"
        case .unsupportedType(let type):
            return "a value of type \(type) has no NanoVer value form"
        }
    }
}

extension NanoverValue {
    /// How many lists and structs may nest inside one another in a value of
    /// the session.
    ///
    /// A session's values reach clients of every protocol, so the limit is
    /// the strictest among the decoders NanoVer clients use: protobuf
    /// decoders stop at 100 nested messages, counted differently (the Python
    /// reference reads 33 levels of structs in any NanoVer message,
    /// swift-protobuf 49). One level below the strictest leaves room for
    /// decoders not measured (the C# of the VR client).
    public static let maximumNestingDepth = 32

    /// How deep lists and structs nest in this value: 0 for a scalar, 1 for
    /// a flat list or struct. Stops counting past `limit`, so its cost is
    /// bounded even for hostile input.
    ///
    /// - Parameter limit: The depth past which counting stops.
    /// - Returns: The depth; at most one more than `limit`.
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

    /// Throws unless this value may be taken into a session: it nests no
    /// deeper than ``maximumNestingDepth``.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)``.
    public func validate() throws(NanoverValueError) {
        let limit = NanoverValue.maximumNestingDepth
        if nestingDepth(stoppingAfter: limit) > limit {
            throw .nestedTooDeeply(limit: limit)
        }
    }
}

extension Dictionary where Key == String, Value == NanoverValue {
    /// Throws unless every value of this struct may be taken into a session.
    ///
    /// - Throws: ``NanoverValueError/nestedTooDeeply(limit:)``; the struct
    ///   itself counts as one level.
    public func validate() throws(NanoverValueError) {
        try NanoverValue.structure(self).validate()
    }
}
