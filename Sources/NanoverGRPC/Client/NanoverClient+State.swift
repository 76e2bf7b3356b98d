import GRPCCore
import NanoverCore
import NanoverProtocol

extension NanoverClient {
    // MARK: Mirror

    /// Starts keeping the local mirror of the shared state up to date, in the
    /// background, with updates no closer than `interval` (the server's
    /// minimum spacing). The mirror first receives the whole state.
    ///
    /// Without a `resubscribe` policy, the subscription ends when the server
    /// closes or the connection is lost: ``stateChanges()`` streams finish,
    /// normally or with the error, and ``subscriptionEvents()`` says
    /// ``SubscriptionEvent/lost(_:)``. With one, the client subscribes again
    /// with back-off until the server answers; the new subscription's whole
    /// state replaces the mirror (``SubscriptionEvent/restored``) and the
    /// change streams go on.
    public func subscribeAllStateUpdates(
        interval: Duration = NanoverClient.defaultUpdateInterval,
        resubscribe: ResubscribePolicy? = nil
    ) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18
        let subscription = MirrorSubscription(client: self, interval: Float(seconds), policy: resubscribe)
        // Kept in subscriptionTasks; close() cancels and awaits it.
        let task = Task { await subscription.run() }
        subscriptionTasks.withLock { $0.append(task) }
    }

    /// What happens to the subscription from now on: losses and
    /// restorations. Finishes when the client closes or the subscription
    /// ends for good.
    public func subscriptionEvents() -> AsyncStream<SubscriptionEvent> {
        mirror.events()
    }

    /// Runs `body` on the local mirror while no update lands on it.
    public func withLockedState<Result, Failure: Error>(
        _ body: (borrowing NanoverStruct) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try mirror.withLockedContent(body)
    }

    /// A deep copy of the local mirror.
    public func copyState() -> NanoverStruct {
        mirror.copy()
    }

    /// Every change the mirror applies from now on, in order. The stream
    /// finishes when the client closes or the server ends the subscription,
    /// and throws the error when the subscription fails.
    public func stateChanges() -> AsyncThrowingStream<StateChange, any Error> {
        mirror.changes()
    }

    // MARK: Changes

    /// Attempts one atomic change of the shared state. Returns true if the
    /// server applied it, false if a key is locked by another client (and
    /// nothing changed).
    ///
    /// - Throws: `NanoverValueError` for a value that cannot go on the wire
    ///   (nothing is sent); `RPCError` if the call fails.
    public func attemptUpdateState(_ change: StateChange) async throws -> Bool {
        var request = Nanover_Protocol_State_UpdateStateRequest()
        request.accessToken = accessToken
        request.update.changedKeys = try change.changedKeys.protobufStruct()
        return try await stateClient.updateState(request, options: unaryOptions).success
    }

    /// Attempts lock changes: each key maps to seconds to acquire or renew
    /// its lock for, or nil to release it. All or nothing: returns false,
    /// changing nothing, if a key to acquire is held by another client.
    public func attemptUpdateLocks(_ locks: [String: Double?]) async throws -> Bool {
        var request = Nanover_Protocol_State_UpdateLocksRequest()
        request.accessToken = accessToken
        request.lockKeys = try locks.mapValues { $0.map(NanoverValue.number) ?? .null }.protobufStruct()
        return try await stateClient.updateLocks(request, options: unaryOptions).success
    }

    /// Attempts lock changes: acquire or renew `acquire`'s keys for their
    /// durations in seconds, and release `release`'s keys.
    public func attemptUpdateLocks(acquire: [String: Double] = [:], release: Set<String> = []) async throws -> Bool {
        var locks: [String: Double?] = acquire.mapValues { $0 }
        for key in release {
            locks[key] = .some(nil)
        }
        return try await attemptUpdateLocks(locks)
    }
}
