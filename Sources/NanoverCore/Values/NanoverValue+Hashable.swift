/// Equality is by content. Numbers compare by value whatever their kind
/// (`.int(3) == .double(3)`), and a NaN equals another NaN, so that a value
/// always equals itself and can live in sets and dictionaries; `0.0` and
/// `-0.0` are equal, as for `Double`.
extension NanoverValue: Hashable {
    /// Whether two values have the same content, numbers compared by value
    /// whatever their kind.
    public static func == (lhs: NanoverValue, rhs: NanoverValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.int, _), (.uint, _), (.double, _):
            guard let a = lhs.numericKey, let b = rhs.numericKey else { return false }
            return a == b
        case (.string(let a), .string(let b)):
            return a == b
        case (.binary(let a), .binary(let b)):
            return a == b
        case (.list(let a), .list(let b)):
            return a == b
        case (.structure(let a), .structure(let b)):
            return a == b
        default:
            return false
        }
    }

    /// Hashes the value as equality compares it: equal numbers of
    /// different kinds hash alike.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0)
        case .bool(let bool):
            hasher.combine(1)
            hasher.combine(bool)
        case .int, .uint, .double:
            hasher.combine(2)
            hasher.combine(numericKey)
        case .string(let string):
            hasher.combine(3)
            hasher.combine(string)
        case .binary(let bytes):
            hasher.combine(4)
            hasher.combine(bytes)
        case .list(let list):
            hasher.combine(5)
            hasher.combine(list)
        case .structure(let fields):
            hasher.combine(6)
            hasher.combine(fields)
        }
    }

    /// One canonical form per numeric value, for equality and hashing:
    /// whole numbers that fit a 64-bit integer as that integer, every other
    /// double as itself (every NaN as one NaN, -0.0 as 0).
    private enum NumericKey: Hashable {
        case signed(Int64)
        case unsigned(UInt64)
        case fractional(UInt64)
    }

    private var numericKey: NumericKey? {
        switch self {
        case .int(let number):
            return .signed(number)
        case .uint(let number):
            return Int64(exactly: number).map(NumericKey.signed) ?? .unsigned(number)
        case .double(let number):
            if let signed = Int64(exactly: number) { return .signed(signed) }
            if let unsigned = UInt64(exactly: number) { return .unsigned(unsigned) }
            return .fractional(number.isNaN ? Double.nan.bitPattern : number.bitPattern)
        default:
            return nil
        }
    }
}
