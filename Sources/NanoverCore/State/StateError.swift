/// Why the state engine refused an operation. A refused operation changes
/// nothing.
public enum StateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// These keys are locked by another access token.
    case locked(keys: [String])
    /// A lock duration that is not a number of seconds (NaN).
    case invalidLockDuration(key: String)
    /// The state has been closed; no change can land any more.
    case closed

    public var description: String {
        switch self {
        case .locked(let keys):
            return "locked by another access token: \(keys.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .invalidLockDuration(let key):
            return "lock duration for key \"\(key)\" is not a number"
        case .closed:
            return "the state is closed"
        }
    }
}
