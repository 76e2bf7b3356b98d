import Synchronization

/// The shared state of a NanoVer session, free of any networking and of
/// any wire encoding: a dictionary of values, per-key locks owned by access
/// tokens, and subscriptions that see its changes, coalesced and paced.
///
/// Every operation is atomic and thread-safe. A change is applied whole or
/// not at all; every subscriber sees changes in the order they were applied.
/// The engine's lock is not re-entrant: calling the engine from inside
/// ``withLockedState(_:)`` stops the program with a message saying so,
/// rather than deadlocking. Observers run outside the lock and may call it.
public final class StateEngine: Sendable {
    /// Called with each applied change, in order.
    public typealias ChangeObserver = @Sendable (_ token: AccessToken, _ change: StateChange) -> Void

    struct Storage {
        var content: NanoverStruct = [:]
        /// ``NanoverValue/sizeEstimate`` of every key and value, summed.
        var contentBytes = 0
        /// Every key's latest change, in order of recency: what subscribers
        /// read their messages from.
        var log = KeyLog()
        var locks = LockTable()
        var subscribers: [UInt64: SubscriberRecord] = [:]
        /// The latest message made for each interval's subscribers to share.
        var batches: [Duration: SharedBatch] = [:]
        /// Readers of each subscriber with nothing to send, waiting for any
        /// change, by subscriber and then by reader.
        var changeWaiters: [UInt64: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var observers: [UInt64: ChangeObserver] = [:]
        var notifications = ObserverNotifications()
        var nextID: UInt64 = 0
        var frozen = false
        /// Tombstones are swept when there are this many; raised when a
        /// subscriber that reads slowly keeps them.
        var sweepAt = 64

        mutating func makeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }

        /// Takes every reader waiting for a change, to be woken once the lock
        /// is released (see ``Waiters``).
        mutating func takeChangeWaiters() -> Waiters {
            guard !changeWaiters.isEmpty else { return [] }
            defer { changeWaiters = [:] }
            return changeWaiters.values.flatMap(\.values)
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
    /// How large the state may grow.
    public let limits: StateLimits
    let storage = Mutex(Storage())

    /// An empty state.
    ///
    /// - Parameters:
    ///   - clock: the time source; a manual clock lets tests move time by hand.
    ///   - limits: how large the state may grow.
    public init(clock: any MonotonicClock = SystemClock(), limits: StateLimits = .standard) {
        self.clock = clock
        self.limits = limits
    }

    // MARK: Reading

    /// Runs `body` on the state while no change can land. Keep it short.
    /// Calling this engine from `body` stops the program with a message:
    /// the lock is not re-entrant (read what you need from `state`).
    ///
    /// - Parameter body: Reads the state; what it returns is returned.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func withLockedState<Result: Sendable, Failure: Error>(
        _ body: (_ state: NanoverStruct) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try locked { (storage) throws(Failure) -> Result in
            try LockHolder.running(holding: self) { () throws(Failure) -> Result in try body(storage.content) }
        }
    }

    /// A copy of the whole state. Values are Swift values, so the copy is
    /// deep: changing it never changes the state. Taking it costs nothing
    /// but a reference; the next change then copies the dictionary once.
    public func copyState() -> NanoverStruct {
        locked { $0.content }
    }

    /// The value of one key, if it is set.
    ///
    /// - Parameter key: The state key.
    /// - Returns: Its value (``NanoverValue/null`` when nil is stored);
    ///   nil when the key is not set.
    public func value(forKey key: String) -> NanoverValue? {
        locked { $0.content[key] }
    }

    /// How many keys the state holds.
    public var keyCount: Int {
        locked { $0.content.count }
    }

    /// How many bytes its keys and values take, as
    /// ``NanoverValue/sizeEstimate`` counts them.
    public var byteCount: Int {
        locked { $0.contentBytes }
    }

    /// Runs `body` under the engine's lock, after making sure the caller
    /// does not hold it already.
    func locked<Result, Failure: Error>(
        _ body: (inout Storage) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        LockHolder.checkNotHeld(self, by: "StateEngine")
        return try storage.withLock { (storage) throws(Failure) -> sending Result in
            try body(&storage)
        }
    }

    // MARK: Changing

    /// Applies `change` atomically on behalf of `token`.
    ///
    /// Every key the change touches, updated or removed, must be free or
    /// locked by `token`; otherwise nothing changes. An empty change succeeds
    /// and changes nothing. Removing a key that does not exist succeeds, and
    /// subscribers still see the removal.
    ///
    /// - Parameters:
    ///   - change: The keys to set and to remove.
    ///   - token: Who makes the change; ``AccessToken/none`` for
    ///     server-side code that holds no lock.
    /// - Throws: ``StateError/locked(keys:)`` naming the keys another token
    ///   holds; ``StateError/invalidValue(key:_:)`` for a value nested too
    ///   deeply; ``StateError/overLimit(_:)`` past the state's limits;
    ///   ``StateError/closed`` after ``close()``.
    public func update(_ change: StateChange, token: AccessToken = .none) throws(StateError) {
        try SessionMetrics.counting(applied: SessionMetrics.stateChangesApplied, refused: SessionMetrics.stateChangesRefused) { () throws(StateError) in
            try validateAndApply(change, token: token)
        }
    }

    private func validateAndApply(_ change: StateChange, token: AccessToken) throws(StateError) {
        var keyChanges = [String: KeyChange](minimumCapacity: change.updates.count + change.removals.count)
        for (key, value) in change.updates {
            do {
                try value.validate()
            } catch {
                throw .invalidValue(key: key, error)
            }
            keyChanges[key] = KeyChange(key: key, value: value)
        }
        for key in change.removals {
            keyChanges[key] = KeyChange(key: key, value: nil)
        }
        try apply(keyChanges, as: change, token: token)
    }

    private func apply(_ keyChanges: [String: KeyChange], as change: StateChange, token: AccessToken) throws(StateError) {
        let (waiters, notify) = try locked { (storage) throws(StateError) -> (Waiters, Bool) in
            guard !storage.frozen else {
                throw .closed
            }
            guard !keyChanges.isEmpty else {
                return ([], false)
            }
            let now = clock.now
            let blocked = storage.locks.keysHeld(among: keyChanges.keys, byOtherThan: token, at: now)
            guard blocked.isEmpty else {
                throw .locked(keys: blocked)
            }
            var keyCount = storage.content.count
            var bytes = storage.contentBytes
            for (key, keyChange) in keyChanges {
                let existed = storage.content[key] != nil
                bytes += keyChange.size - (existed ? storage.log.size(of: key) : 0)
                keyCount += (keyChange.value != nil ? 1 : 0) - (existed ? 1 : 0)
            }
            if keyCount > limits.maxKeys, keyCount > storage.content.count {
                throw .overLimit(.keys(limit: limits.maxKeys))
            }
            if bytes > limits.maxBytes, bytes > storage.contentBytes {
                throw .overLimit(.bytes(limit: limits.maxBytes))
            }
            for (key, keyChange) in keyChanges {
                storage.content[key] = keyChange.value
            }
            storage.contentBytes = bytes
            // One record, whatever the number of subscribers: each reads
            // what it has not seen when its turn comes.
            storage.log.record(keyChanges)
            storage.sweepTombstonesIfMany()
            let notify = !storage.observers.isEmpty && storage.notifications.enqueue(token, change)
            return (storage.takeChangeWaiters(), notify)
        }
        waiters.resumeAll()
        if notify {
            notifyObservers()
        }
    }

    // MARK: Locks

    /// Acquires, renews and releases locks on behalf of `token`, all or
    /// nothing.
    ///
    /// If any key to acquire is held by another token, nothing changes.
    /// Otherwise every acquisition and renewal takes effect, every release
    /// of a lock `token` holds takes effect, and a release of another
    /// token's lock is ignored.
    ///
    /// - Parameters:
    ///   - changes: What to do with each key's lock: acquire or renew for
    ///     a time or for ever, or release.
    ///   - token: Who holds the locks.
    /// - Throws: ``StateError/locked(keys:)`` naming the keys another token
    ///   holds; ``StateError/closed`` after ``close()``.
    public func updateLocks(_ changes: [String: LockChange], token: AccessToken = .none) throws(StateError) {
        try SessionMetrics.counting(applied: SessionMetrics.lockRequestsApplied, refused: SessionMetrics.lockRequestsRefused) { () throws(StateError) in
            try applyLocks(changes, token: token)
        }
    }

    private func applyLocks(_ changes: [String: LockChange], token: AccessToken) throws(StateError) {
        try locked { (storage) throws(StateError) in
            guard !storage.frozen else {
                throw .closed
            }
            let now = clock.now
            let acquired = changes.lazy.filter { $0.value != .release }.map(\.key)
            let blocked = storage.locks.keysHeld(among: acquired, byOtherThan: token, at: now)
            guard blocked.isEmpty else {
                throw .locked(keys: blocked)
            }
            for (key, change) in changes {
                switch change {
                case .release:
                    storage.locks.release(key, by: token, at: now)
                case .acquire(let duration):
                    storage.locks.lock(key, for: token, duration: duration, at: now)
                case .acquireIndefinitely:
                    storage.locks.lock(key, for: token, duration: nil, at: now)
                }
            }
        }
    }

    /// Releases every lock on every key.
    public func clearLocks() {
        locked { $0.locks.removeAll() }
    }

    /// The token holding the key's lock now, if any.
    ///
    /// - Parameter key: The state key.
    /// - Returns: The holder; nil when the key is free or its lock has
    ///   lapsed.
    public func lockOwner(of key: String) -> AccessToken? {
        locked { $0.locks.owner(of: key, at: clock.now) }
    }

    /// Every lock held now, with its owner.
    public func heldLocks() -> [String: AccessToken] {
        locked { $0.locks.heldLocks(at: clock.now) }
    }

    // MARK: Subscriptions

    /// A new subscription: its first message is the whole current state (at
    /// once, if the state is not empty), then the changes since each previous
    /// message, coalesced per key, never two messages closer than `interval`.
    ///
    /// The subscription lasts until it is cancelled, dropped, or the engine
    /// is closed and its pending changes are delivered.
    ///
    /// - Parameter interval: The least time between two messages; zero
    ///   (the default) for none. The gRPC adapter passes the client's
    ///   `update_interval`; the 2026 adapter its configured interval
    ///   (1/30 s by default).
    /// - Returns: The subscription.
    public func subscribe(interval: Duration = .zero) -> StateSubscription {
        let interval = max(interval, .zero)
        let id = locked { storage in
            let id = storage.makeID()
            storage.subscribers[id] = SubscriberRecord(interval: interval, seen: storage.log.version)
            return id
        }
        return StateSubscription(id: id, interval: interval, engine: self)
    }

    /// How many subscriptions are open now.
    public var subscriptionCount: Int {
        locked { $0.subscribers.count }
    }

    /// How many keys each open subscription has waiting to be delivered: a
    /// subscriber that does not read is owed at most one entry per key.
    public func subscriptionBacklogs() -> [Int] {
        locked { storage in
            storage.subscribers.values.map { storage.backlog(of: $0) }
        }
    }

    /// The state, and the message a new subscriber would be sent for it:
    /// for the fuzzing harness, which checks that adapters encode it as the
    /// state is.
    @_spi(Fuzzing)
    public func stateWithItsUpdate() -> (state: NanoverStruct, update: SubscriptionUpdate) {
        locked { storage in
            let owed = storage.log.wholeState(withRemovalsAfter: storage.log.version)
            return (storage.content, SubscriptionUpdate(entries: owed))
        }
    }

    // MARK: Observers

    /// Registers `observer` to be called with every applied change from now
    /// on, in the order changes were applied. Observers run outside the
    /// engine's lock, on the thread of a caller that applied a change (not
    /// always the one that applied this change), so they may call the engine
    /// but should be quick.
    ///
    /// - Parameter observer: Called with the token that made each change
    ///   and the change, as it was asked (not only the keys that differ).
    /// - Returns: An identifier for ``removeObserver(_:)``.
    @discardableResult
    public func addObserver(_ observer: @escaping ChangeObserver) -> UInt64 {
        locked { storage in
            let id = storage.makeID()
            storage.observers[id] = observer
            return id
        }
    }

    /// Stops calling the observer that ``addObserver(_:)`` registered
    /// under `id`. Changes already being told to observers may still reach
    /// it once.
    ///
    /// - Parameter id: What ``addObserver(_:)`` returned; an unknown id is
    ///   ignored.
    public func removeObserver(_ id: UInt64) {
        _ = locked { $0.observers.removeValue(forKey: id) }
    }

    /// Calls observers with queued changes until none is left. Only one
    /// caller does this at a time, which keeps the order; a change applied
    /// meanwhile, even by an observer, is queued for it.
    private func notifyObservers() {
        while let next = locked({ storage in
            storage.notifications.takeBatch().map { ($0, Array(storage.observers.values)) }
        }) {
            let (batch, observers) = next
            for (token, change) in batch {
                for observer in observers {
                    observer(token, change)
                }
            }
        }
    }

    // MARK: Closing

    /// Freezes the state: no change lands any more, every subscription
    /// delivers what is pending at once and then ends, and later
    /// subscriptions receive the final state and end. Idempotent.
    public func close() {
        let waiters = locked { storage in
            storage.frozen = true
            var waiters = storage.takeChangeWaiters()
            for id in storage.subscribers.keys {
                waiters += storage.subscribers[id]?.takeEndWaiters() ?? []
            }
            return waiters
        }
        waiters.resumeAll()
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool {
        locked { $0.frozen }
    }
}
