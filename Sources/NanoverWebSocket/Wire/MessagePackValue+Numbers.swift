import NanoverMessagePack

/// Numbers read out of MessagePack values, whichever integer form the
/// writer chose.
extension MessagePackValue {
    /// An integer that fits 64 signed bits; nil for anything else.
    var integer: Int64? {
        switch self {
        case .int(let number): return number
        case .uint(let number): return Int64(exactly: number)
        default: return nil
        }
    }

    /// A non-negative integer (the whole unsigned 64-bit range); nil for
    /// anything else.
    var unsignedInteger: UInt64? {
        switch self {
        case .uint(let number): return number
        case .int(let number) where number >= 0: return UInt64(number)
        default: return nil
        }
    }

    /// A whole number: an integer, or a float with no fraction, that fits
    /// 64 signed bits.
    var wholeNumber: Int64? {
        switch self {
        case .double(let number): return Int64(exactly: number)
        case .float(let number): return Int64(exactly: number)
        default: return integer
        }
    }
}
