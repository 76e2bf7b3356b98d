import GRPCCore
import NanoverCore
import NanoverProtocol

extension NanoverClient {
    // MARK: Mirror

    /// Starts keeping the local mirror of the shared state up to date, in the
    /// background, with updates no closer than `interval` (the server's
    /// minimum spacing), and returns the subscription. The mirror first
    /// receives the whole state.
    ///
    /// A client keeps one mirror subscription: while one is active, this
    /// returns it and changes nothing (its interval and policy stand). Once
    /// it is cancelled or has ended for good, a call starts a new one.
    ///
    /// Without a `resubscribe` policy, the subscription ends when the server
    /// closes or the connection is lost: ``stateChanges()`` streams finish,
    /// normally or with the error, and ``subscriptionEvents()`` says
    /// ``/NanoverCore/SubscriptionEvent/lost(_:)``. With one, the client
    /// subscribes again with back-off until the server answers; the new
    /// subscription's whole state replaces the mirror
    /// (``/NanoverCore/SubscriptionEvent/restored``) and the change streams go
    /// on.
    @discardableResult
    public func subscribeAllStateUpdates(
        interval: Duration = NanoverClient.defaultUpdateInterval,
        resubscribe: ResubscribePolicy? = nil
    ) -> MirrorSubscription {
        mirrorSubscription.withLock { current in
            if let current, current.isActive {
                return current
            }
            let seconds = interval.inSeconds
            let loop = MirrorSubscriptionLoop(client: self, interval: Float(seconds), policy: resubscribe)
            let subscription = MirrorSubscription(interval: interval, loop: loop)
            current = subscription
            return subscription
        }
    }

    /// What happens to the subscription from now on: losses and
    /// restorations. Finishes when the client closes or the subscription
    /// ends for good.
    public func subscriptionEvents() -> AsyncStream<SubscriptionEvent> {
        mirror.events()
    }

    /// Runs `body` on the local mirror while no update lands on it.
    public func withLockedState<Result: Sendable, Failure: Error>(
        _ body: (_ state: NanoverStruct) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try mirror.withLockedContent(body)
    }

    /// A deep copy of the local mirror.
    public func copyState() -> NanoverStruct {
        mirror.copy()
    }

    /// The mirror's content now, as one change, then every change it applies,
    /// merged for a slow reader (see ``/NanoverCore/StateChangeStream``): call
    /// it before or after subscribing, nothing is missed.
    public func stateChanges() -> StateChangeStream {
        mirror.changes()
    }

    // MARK: Changes

    /// Attempts one atomic change of the shared state. Returns true if the
    /// server applied it, false if a key is locked by another client (and
    /// nothing changed).
    ///
    /// Over gRPC a null value at the top level means removal, so setting a key
    /// to ``/NanoverCore/NanoverValue/null`` removes it; integers travel as
    /// doubles and binary data as base64 strings.
    ///
    /// - Throws: `NanoverValueError` for a value that cannot go on the wire
    ///   (nothing is sent); `RPCError` if the call fails.
    public func attemptUpdateState(_ change: StateChange) async throws -> Bool {
        var request = Nanover_Protocol_State_UpdateStateRequest()
        request.accessToken = accessToken
        request.update.changedKeys = try change.protobufChangedKeys.protobufStruct()
        return try await stateClient.updateState(request, options: unaryOptions).success
    }

    /// Attempts lock changes, all or nothing: returns false, changing
    /// nothing, if a key to acquire is held by another client.
    ///
    /// - Throws: `RPCError` if the call fails.
    public func attemptUpdateLocks(_ changes: [String: LockChange]) async throws -> Bool {
        var request = Nanover_Protocol_State_UpdateLocksRequest()
        request.accessToken = accessToken
        request.lockKeys.fields = changes.mapValues(\.protobufValue)
        return try await stateClient.updateLocks(request, options: unaryOptions).success
    }

    /// Attempts lock changes: acquire or renew `acquire`'s keys for their
    /// durations, and release `release`'s keys; all or nothing.
    public func attemptUpdateLocks(acquire: [String: Duration] = [:], release: Set<String> = []) async throws -> Bool {
        var changes = acquire.mapValues(LockChange.acquire)
        for key in release {
            changes[key] = .release
        }
        return try await attemptUpdateLocks(changes)
    }
}
