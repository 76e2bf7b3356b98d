/// One MessagePack value, as the format defines them.
///
/// Integers: ``int(_:)`` and ``uint(_:)`` cover the whole signed and
/// unsigned 64-bit ranges between them. The wire does not tell a
/// non-negative signed integer from an unsigned one (writers use the
/// smallest form), so equality compares integers by value: `.int(5) ==
/// .uint(5)`. Floats keep their width. Map entries keep their order and
/// may have keys of any kind.
public enum MessagePackValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case float(Float)
    case double(Double)
    case string(String)
    case binary([UInt8])
    case array([MessagePackValue])
    case map([(MessagePackValue, MessagePackValue)])
    /// An extension type: its type code and data.
    case ext(Int8, [UInt8])

    public static func == (lhs: MessagePackValue, rhs: MessagePackValue) -> Bool {
        switch (lhs, rhs) {
        case (.nil, .nil): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.int(let a), .uint(let b)), (.uint(let b), .int(let a)): return a >= 0 && UInt64(a) == b
        // Floats compare bit for bit, so that NaN equals itself and a
        // round trip can be checked by equality.
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a == b
        case (.binary(let a), .binary(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.ext(let a, let x), .ext(let b, let y)): return a == b && x == y
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        // Equal integers hash alike whichever case holds them.
        case .int(let value) where value >= 0: hasher.combine(UInt64(value))
        case .int(let value): hasher.combine(value)
        case .uint(let value): hasher.combine(value)
        case .float(let value): hasher.combine(value.bitPattern)
        case .double(let value): hasher.combine(value.bitPattern)
        case .string(let value): hasher.combine(value)
        case .binary(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .map(let entries):
            hasher.combine(entries.count)
            for (key, value) in entries {
                hasher.combine(key)
                hasher.combine(value)
            }
        case .ext(let type, let data):
            hasher.combine(type)
            hasher.combine(data)
        }
    }
}

/// Why bytes are not one MessagePack value.
public enum MessagePackError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes end inside a value.
    case truncated(offset: Int)
    /// The byte 0xC1, which MessagePack never uses.
    case reservedByte(offset: Int)
    /// A string that is not UTF-8.
    case invalidUTF8(offset: Int)
    /// Arrays and maps nested deeper than the reader allows.
    case nestedTooDeeply(limit: Int)
    /// Bytes left after the value.
    case trailingBytes(offset: Int)

    public var description: String {
        switch self {
        case .truncated(let offset): return "MessagePack ends inside a value (at byte \(offset))"
        case .reservedByte(let offset): return "byte \(offset) is 0xc1, which MessagePack never uses"
        case .invalidUTF8(let offset): return "the string at byte \(offset) is not UTF-8"
        case .nestedTooDeeply(let limit): return "MessagePack nested deeper than \(limit) arrays and maps"
        case .trailingBytes(let offset): return "bytes left after the MessagePack value, from byte \(offset)"
        }
    }
}
