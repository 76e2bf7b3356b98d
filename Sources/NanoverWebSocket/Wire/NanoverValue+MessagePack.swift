import NanoverCore
import NanoverMessagePack

/// The NanoVer 2026 protocol's form of values: MessagePack, which holds
/// every kind the session's value model has, so values round-trip exactly
/// (integers stay integers over the whole signed and unsigned 64-bit
/// range, nil stays a value, binary stays binary).
extension NanoverValue {
    /// This value as MessagePack. Struct keys are written sorted, so equal
    /// values give equal bytes.
    public var messagePackValue: MessagePackValue {
        switch self {
        case .null: return .nil
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .uint(let number): return .uint(number)
        case .double(let number): return .double(number)
        case .string(let string): return .string(string)
        case .binary(let data): return .binary(data)
        case .list(let elements): return .array(elements.map(\.messagePackValue))
        case .structure(let fields):
            return .map(fields.sorted { $0.key < $1.key }.map { (.string($0.key), $0.value.messagePackValue) })
        }
    }

    /// The value a MessagePack value holds. Integers up to `Int64.max` are
    /// ``/NanoverCore/NanoverValue/int(_:)``, larger ones ``/NanoverCore/NanoverValue/uint(_:)``;
    /// 32-bit floats widen to doubles; of two map entries with one key, the
    /// later wins.
    ///
    /// - Throws: ``MessagePackMappingError`` for a map key that is not a
    ///   string, an extension type, or nesting past
    ///   ``/NanoverCore/NanoverValue/maximumNestingDepth``.
    public init(messagePack value: MessagePackValue) throws(MessagePackMappingError) {
        try self.init(messagePack: value, depth: 0)
    }

    private init(messagePack value: MessagePackValue, depth: Int) throws(MessagePackMappingError) {
        switch value {
        case .nil: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .uint(let number): self = number <= UInt64(Int64.max) ? .int(Int64(number)) : .uint(number)
        case .float(let number): self = .double(Double(number))
        case .double(let number): self = .double(number)
        case .string(let string): self = .string(string)
        case .binary(let data): self = .binary(data)
        case .array(let elements):
            guard depth < NanoverValue.maximumNestingDepth else { throw .nestedTooDeeply(limit: NanoverValue.maximumNestingDepth) }
            var values: [NanoverValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                values.append(try NanoverValue(messagePack: element, depth: depth + 1))
            }
            self = .list(values)
        case .map(let entries):
            self = .structure(try NanoverValue.structure(entries, depth: depth))
        case .ext(let type, _):
            throw .extensionType(type)
        }
    }

    /// A map as a struct's fields.
    ///
    /// - Throws: ``MessagePackMappingError``.
    public static func structure(_ entries: [(MessagePackValue, MessagePackValue)]) throws(MessagePackMappingError) -> NanoverStruct {
        try structure(entries, depth: 0)
    }

    private static func structure(_ entries: [(MessagePackValue, MessagePackValue)], depth: Int) throws(MessagePackMappingError) -> NanoverStruct {
        guard depth < NanoverValue.maximumNestingDepth else { throw .nestedTooDeeply(limit: NanoverValue.maximumNestingDepth) }
        var fields = NanoverStruct(minimumCapacity: entries.count)
        for (key, element) in entries {
            guard case .string(let name) = key else { throw .nonStringKey(key) }
            fields[name] = try NanoverValue(messagePack: element, depth: depth + 1)
        }
        return fields
    }
}

/// A MessagePack value that is not a session value.
public enum MessagePackMappingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A map key that is not a string: struct fields are named.
    case nonStringKey(MessagePackValue)
    /// An extension type, which NanoVer does not use.
    case extensionType(Int8)
    /// Lists and structs nested past the session's limit.
    case nestedTooDeeply(limit: Int)

    /// The error in words.
    public var description: String {
        switch self {
        case .nonStringKey(let key): return "a map key is not a string: \(key)"
        case .extensionType(let type): return "MessagePack extension type \(type) is not a NanoVer value"
        case .nestedTooDeeply(let limit): return "a value nests lists and maps deeper than \(limit)"
        }
    }
}
