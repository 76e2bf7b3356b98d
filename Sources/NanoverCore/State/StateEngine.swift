import Synchronization

/// The shared state of a NanoVer session, free of any networking: a
/// dictionary of values, per-key locks owned by access tokens, and
/// subscriptions that see its changes, coalesced and paced.
///
/// Every operation is atomic and thread-safe. A change is applied whole or
/// not at all; every subscriber sees changes in the order they were applied.
public final class StateEngine: Sendable {
    /// Called with each applied change, in order, while the engine is locked.
    public typealias ChangeObserver = @Sendable (_ token: AccessToken, _ change: StateChange) -> Void

    struct Storage {
        var content: NanoverStruct = [:]
        /// Every key's latest change, encoded once, in order of recency:
        /// what subscribers read their messages from.
        var log = KeyLog()
        var locks = LockTable()
        var subscribers: [UInt64: SubscriberRecord] = [:]
        /// Subscribers with nothing to send, waiting for any change.
        var changeWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var observers: [UInt64: ChangeObserver] = [:]
        var nextID: UInt64 = 0
        var frozen = false
        /// Tombstones are swept when there are this many; raised when a
        /// subscriber that reads slowly keeps them.
        var sweepAt = 64

        mutating func makeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }

        /// Takes every subscriber waiting for a change, to be woken once the
        /// lock is released (see ``Waiters``).
        mutating func takeChangeWaiters() -> Waiters {
            guard !changeWaiters.isEmpty else { return [] }
            defer { changeWaiters = [:] }
            return Array(changeWaiters.values)
        }

        /// Forgets removals every subscriber has already been sent.
        mutating func sweepTombstonesIfMany() {
            guard log.tombstoneCount >= sweepAt, log.tombstoneCount > log.liveCount else { return }
            let oldestSeen = subscribers.values.lazy.map(\.seen).min() ?? log.version
            log.dropTombstones(upTo: oldestSeen)
            sweepAt = max(64, log.tombstoneCount * 2)
        }
    }

    /// The clock that lock expiry and subscription pacing read.
    public let clock: any MonotonicClock
    let storage = Mutex(Storage())

    /// An empty state.
    ///
    /// - Parameter clock: the time source; a ``ManualClock`` lets tests move
    ///   time by hand.
    public init(clock: any MonotonicClock = SystemClock()) {
        self.clock = clock
    }

    // MARK: Reading

    /// Runs `body` on the state while no change can land. Keep it short, and
    /// do not call back into the engine from it: the lock is not re-entrant.
    public func withLockedState<Result, Failure: Error>(
        _ body: (borrowing NanoverStruct) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try storage.withLock { (storage) throws(Failure) -> sending Result in
            try body(storage.content)
        }
    }

    /// A copy of the whole state. Values are Swift values, so the copy is
    /// deep: changing it never changes the state.
    public func copyState() -> NanoverStruct {
        storage.withLock { $0.content }
    }

    /// The value of one key, if it is set.
    public func value(forKey key: String) -> NanoverValue? {
        storage.withLock { $0.content[key] }
    }

    // MARK: Changing

    /// Applies `change` atomically on behalf of `token`.
    ///
    /// Every key the change touches, updated or removed, must be free or
    /// locked by `token`; otherwise nothing changes. An empty change succeeds
    /// and changes nothing. Removing a key that does not exist succeeds, and
    /// subscribers still see the removal.
    ///
    /// - Throws: ``StateError/locked(keys:)`` naming the keys another token
    ///   holds; ``StateError/closed`` after ``close()``;
    ///   ``NanoverValueError`` for a value too deeply nested for the wire.
    public func update(_ change: StateChange, token: AccessToken = .none) throws {
        var keyChanges = [String: KeyChange](minimumCapacity: change.updates.count + change.removals.count)
        for (key, value) in change.updates {
            keyChanges[key] = try KeyChange(key: key, value: value)
        }
        for key in change.removals {
            keyChanges[key] = try KeyChange(key: key, value: nil)
        }
        try apply(keyChanges, as: change, token: token)
    }

    /// Applies changes already encoded (by a service that decoded them from
    /// the wire); `change` is the same change in plain form, for observers.
    func apply(_ keyChanges: [String: KeyChange], as change: StateChange, token: AccessToken) throws(StateError) {
        let waiters = try storage.withLock { (storage) throws(StateError) -> Waiters in
            guard !storage.frozen else {
                throw .closed
            }
            guard !keyChanges.isEmpty else {
                return []
            }
            let now = clock.now
            let blocked = storage.locks.keysHeld(among: keyChanges.keys, byOtherThan: token, at: now)
            guard blocked.isEmpty else {
                throw .locked(keys: blocked)
            }
            for (key, keyChange) in keyChanges {
                storage.content[key] = keyChange.value
            }
            // One record, whatever the number of subscribers: each reads
            // what it has not seen when its turn comes.
            storage.log.record(keyChanges)
            storage.sweepTombstonesIfMany()
            for observer in storage.observers.values {
                observer(token, change)
            }
            return storage.takeChangeWaiters()
        }
        waiters.resumeAll()
    }

    // MARK: Locks

    /// Acquires, renews and releases locks on behalf of `token`, all or
    /// nothing.
    ///
    /// If any key in `acquire` is held by another token, nothing changes.
    /// Otherwise every acquire and renewal takes effect for its duration in
    /// seconds (zero or less: a lock that has already lapsed; infinity: one
    /// that never lapses), every release of a lock `token` holds takes
    /// effect, and a release of another token's lock is ignored.
    ///
    /// - Throws: ``StateError/locked(keys:)``, or
    ///   ``StateError/invalidLockDuration(key:)`` for a NaN duration.
    public func updateLocks(
        token: AccessToken = .none,
        acquire: [String: Double] = [:],
        release: Set<String> = []
    ) throws(StateError) {
        if let (key, _) = acquire.first(where: { $0.value.isNaN }) {
            throw .invalidLockDuration(key: key)
        }
        try storage.withLock { (storage) throws(StateError) in
            let now = clock.now
            let blocked = storage.locks.keysHeld(among: acquire.keys, byOtherThan: token, at: now)
            guard blocked.isEmpty else {
                throw .locked(keys: blocked)
            }
            for key in release {
                storage.locks.release(key, by: token, at: now)
            }
            for (key, seconds) in acquire {
                storage.locks.lock(key, for: token, seconds: seconds, at: now)
            }
        }
    }

    /// Releases every lock on every key.
    public func clearLocks() {
        storage.withLock { $0.locks.removeAll() }
    }

    /// The token holding the key's lock now, if any.
    public func lockOwner(of key: String) -> AccessToken? {
        storage.withLock { $0.locks.owner(of: key, at: clock.now) }
    }

    /// Every lock held now, with its owner.
    public func heldLocks() -> [String: AccessToken] {
        storage.withLock { $0.locks.heldLocks(at: clock.now) }
    }

    // MARK: Subscriptions

    /// A new subscription: its first message is the whole current state (at
    /// once, if the state is not empty), then the changes since each previous
    /// message, coalesced per key, never two messages closer than `interval`.
    ///
    /// The subscription lasts until it is cancelled, dropped, or the engine
    /// is closed and its pending changes are delivered.
    public func subscribe(interval: Duration = .zero) -> StateSubscription {
        let interval = max(interval, .zero)
        let id = storage.withLock { storage in
            let id = storage.makeID()
            storage.subscribers[id] = SubscriberRecord(interval: interval, seen: storage.log.version)
            return id
        }
        return StateSubscription(id: id, interval: interval, engine: self)
    }

    /// How many subscriptions are open now.
    public var subscriptionCount: Int {
        storage.withLock { $0.subscribers.count }
    }

    /// How many keys each open subscription has waiting to be delivered: a
    /// subscriber that does not read is owed at most one entry per key.
    public func subscriptionBacklogs() -> [Int] {
        storage.withLock { storage in
            storage.subscribers.values.map { storage.backlog(of: $0) }
        }
    }

    /// The state, and the bytes of the `StateUpdate` a new subscriber would
    /// be sent for it: for the fuzzing harness, which checks they agree.
    @_spi(Fuzzing)
    public func stateWithItsEncoding() -> (state: NanoverStruct, encoded: [UInt8]) {
        let (state, owed) = storage.withLock { storage in
            (storage.content, storage.log.wholeState(withRemovalsAfter: storage.log.version))
        }
        return (state, SubscriptionUpdate(keyChanges: owed).encodedStateUpdate)
    }

    // MARK: Observers

    /// Registers `observer` to be called with every applied change, in order,
    /// while the engine is locked: it must be quick and must not call back
    /// into the engine. Returns an identifier for ``removeObserver(_:)``.
    @discardableResult
    public func addObserver(_ observer: @escaping ChangeObserver) -> UInt64 {
        storage.withLock { storage in
            let id = storage.makeID()
            storage.observers[id] = observer
            return id
        }
    }

    public func removeObserver(_ id: UInt64) {
        _ = storage.withLock { $0.observers.removeValue(forKey: id) }
    }

    // MARK: Closing

    /// Freezes the state: no change lands any more, every subscription
    /// delivers what is pending at once and then ends, and later
    /// subscriptions receive the final state and end. Idempotent.
    public func close() {
        let waiters = storage.withLock { storage in
            storage.frozen = true
            var waiters = storage.takeChangeWaiters()
            for id in storage.subscribers.keys {
                if let waiter = storage.subscribers[id]?.endWaiter.take() {
                    waiters.append(waiter)
                }
            }
            return waiters
        }
        waiters.resumeAll()
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool {
        storage.withLock { $0.frozen }
    }
}
