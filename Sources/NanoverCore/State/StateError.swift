/// Why the state engine refused an operation. A refused operation changes
/// nothing.
public enum StateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// These keys are locked by another access token.
    case locked(keys: [String])
    /// A value that cannot be taken into the session.
    case invalidValue(key: String, NanoverValueError)
    /// The change would take the state past one of its limits.
    case overLimit(StateLimitExceeded)
    /// The state has been closed; no change can land any more.
    case closed

    /// The error in words, naming the keys or the limit.
    public var description: String {
        switch self {
        case .locked(let keys):
            return "locked by another access token: \(keys.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .invalidValue(let key, let error):
            return "value of key \"\(key)\": \(error)"
        case .overLimit(let exceeded):
            return exceeded.description
        case .closed:
            return "the state is closed"
        }
    }
}

/// Which of the state's limits a change would pass.
public enum StateLimitExceeded: Equatable, Sendable, CustomStringConvertible {
    /// The state would hold more than `limit` keys.
    case keys(limit: Int)
    /// The state's keys and values would take more than `limit` bytes.
    case bytes(limit: Int)

    /// The limit in words.
    public var description: String {
        switch self {
        case .keys(let limit): return "the state would hold more than its limit of \(limit) keys"
        case .bytes(let limit): return "the state would take more than its limit of \(limit) bytes"
        }
    }
}
