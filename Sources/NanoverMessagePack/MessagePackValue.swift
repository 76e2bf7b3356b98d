/// One MessagePack value, as the format defines them.
///
/// Integers: ``int(_:)`` and ``uint(_:)`` cover the whole signed and
/// unsigned 64-bit ranges between them. The wire does not tell a
/// non-negative signed integer from an unsigned one (writers use the
/// smallest form), so equality compares integers by value: `.int(5) ==
/// .uint(5)`. Floats keep their width. Map entries keep their order and
/// may have keys of any kind.
public enum MessagePackValue: Sendable, Hashable {
    /// MessagePack's nil (`0xc0`).
    case `nil`
    /// `true` or `false`.
    case bool(Bool)
    /// A signed integer. The reader gives this case to the negative fixint
    /// and the `int 8/16/32/64` forms; a non-negative one equals the
    /// ``uint(_:)`` of the same number.
    case int(Int64)
    /// An unsigned integer. The reader gives this case to the positive
    /// fixint and the `uint 8/16/32/64` forms.
    case uint(UInt64)
    /// A 32-bit float (`float 32`), kept at its width.
    case float(Float)
    /// A 64-bit float (`float 64`).
    case double(Double)
    /// A string, always valid UTF-8 (the reader refuses one that is not).
    case string(String)
    /// Bytes (`bin 8/16/32`), distinct from a string.
    case binary([UInt8])
    /// An array of values of any kinds.
    case array([MessagePackValue])
    /// A map's entries in the order they came, keys of any kind; a key may
    /// repeat (the reader keeps every entry).
    case map([(MessagePackValue, MessagePackValue)])
    /// An extension type: its type code and data.
    case ext(Int8, [UInt8])

    /// Whether two values are the same MessagePack value: integers by value
    /// whichever case holds them, floats bit for bit (NaN equals itself),
    /// maps entry by entry in order.
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

    /// Hashes the value as equality compares it: equal integers hash alike
    /// whichever case holds them, floats by their bits.
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
    /// The bytes end inside a value: `offset` is where more was needed.
    case truncated(offset: Int)
    /// The byte 0xC1, which MessagePack never uses, at `offset`.
    case reservedByte(offset: Int)
    /// A string that is not UTF-8; `offset` is where the string starts.
    case invalidUTF8(offset: Int)
    /// Arrays and maps nested deeper than the reader's `limit`.
    case nestedTooDeeply(limit: Int)
    /// Bytes left after the value, from `offset`.
    case trailingBytes(offset: Int)

    /// The error in words, with the byte offset or limit it concerns.
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
