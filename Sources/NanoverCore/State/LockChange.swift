/// What to do with the lock on one key.
public enum LockChange: Sendable, Hashable {
    /// Acquire the lock, or renew it, for this long. A duration of zero or
    /// less gives a lock that has already lapsed.
    case acquire(Duration)
    /// Acquire the lock, or renew it, with no expiry.
    case acquireIndefinitely
    /// Release the lock, if the token holds it (another token's lock stays).
    case release
}

extension LockChange {
    /// Durations at least this many seconds (infinity included) never lapse.
    public static let indefiniteSeconds = 1e15

    /// Acquiring for a number of seconds, as NanoVer's protocols and command
    /// lines give it: ``indefiniteSeconds`` or more (infinity included)
    /// never lapses, zero or less has already lapsed.
    ///
    /// - Precondition: `seconds` is not NaN (callers refuse it with their
    ///   own error).
    public static func acquiring(seconds: Double) -> LockChange {
        precondition(!seconds.isNaN, "a lock duration must be a number")
        return seconds >= indefiniteSeconds ? .acquireIndefinitely : .acquire(.seconds(max(seconds, -1)))
    }
}
