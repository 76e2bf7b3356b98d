/// Equality is by content. Unlike `Double`'s own `==`, a NaN number equals
/// another NaN, so that a value always equals itself and can live in sets
/// and dictionaries; `0.0` and `-0.0` are equal, as for `Double`.
extension NanoverValue: Hashable {
    public static func == (lhs: NanoverValue, rhs: NanoverValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.number(let a), .number(let b)):
            return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)):
            return a == b
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.list(let a), .list(let b)):
            return a == b
        case (.structure(let a), .structure(let b)):
            return a == b
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0)
        case .number(let number):
            hasher.combine(1)
            // Every NaN must hash alike, since they compare equal here.
            hasher.combine(number.isNaN ? Double.nan : number)
        case .string(let string):
            hasher.combine(2)
            hasher.combine(string)
        case .bool(let bool):
            hasher.combine(3)
            hasher.combine(bool)
        case .list(let list):
            hasher.combine(4)
            hasher.combine(list)
        case .structure(let fields):
            hasher.combine(5)
            hasher.combine(fields)
        }
    }
}
