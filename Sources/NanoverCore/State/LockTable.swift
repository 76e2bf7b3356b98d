/// Per-key locks owned by access tokens, each lapsing at its own time.
///
/// Not thread-safe: the state engine guards it with its own mutex. Lapsed
/// locks are treated as absent at once and swept out lazily.
struct LockTable: Sendable {
    private struct Lock: Sendable {
        var owner: AccessToken
        /// nil: never lapses (an infinite duration).
        var expiry: Duration?

        func isHeld(at now: Duration) -> Bool {
            expiry.map { now < $0 } ?? true
        }
    }

    private var locks: [String: Lock] = [:]
    /// Sweep once the table has doubled since the last sweep, so a stream of
    /// short locks on fresh keys cannot grow it without bound.
    private var sweepThreshold = 64

    /// The token holding the key's lock, if one holds it now.
    func owner(of key: String, at now: Duration) -> AccessToken? {
        guard let lock = locks[key], lock.isHeld(at: now) else { return nil }
        return lock.owner
    }

    /// Whether `token` may change or lock the key: it is free or held by `token`.
    func isAvailable(_ key: String, to token: AccessToken, at now: Duration) -> Bool {
        guard let owner = owner(of: key, at: now) else { return true }
        return owner == token
    }

    /// The keys among `keys` that another token holds, sorted.
    func keysHeld<S: Sequence>(among keys: S, byOtherThan token: AccessToken, at now: Duration) -> [String]
    where S.Element == String {
        keys.filter { !isAvailable($0, to: token, at: now) }.sorted()
    }

    /// Acquires or renews for `duration` (nil: with no expiry); the caller
    /// has checked availability. A duration of zero or less gives a lock
    /// that has already lapsed.
    mutating func lock(_ key: String, for token: AccessToken, duration: Duration?, at now: Duration) {
        let expiry = duration.map { now + max($0, .seconds(-1)) }
        locks[key] = Lock(owner: token, expiry: expiry)
        sweepIfLarge(at: now)
    }

    /// Releases the key if `token` holds it; another token's lock stays.
    mutating func release(_ key: String, by token: AccessToken, at now: Duration) {
        if let lock = locks[key], !lock.isHeld(at: now) || lock.owner == token {
            locks[key] = nil
        }
    }

    mutating func removeAll() {
        locks.removeAll()
        sweepThreshold = 64
    }

    /// Every held lock with its owner.
    func heldLocks(at now: Duration) -> [String: AccessToken] {
        locks.compactMapValues { $0.isHeld(at: now) ? $0.owner : nil }
    }

    private mutating func sweepIfLarge(at now: Duration) {
        guard locks.count >= sweepThreshold else { return }
        locks = locks.filter { $0.value.isHeld(at: now) }
        sweepThreshold = max(64, locks.count * 2)
    }
}
