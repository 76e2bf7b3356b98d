import GRPCCore
import NanoverCore
import NanoverProtocol

extension NanoverClient {
    // MARK: Mirror

    /// Starts keeping the local mirror of the shared state up to date, in the
    /// background, with updates no closer than `interval` (the server's
    /// minimum spacing). The mirror first receives the whole state.
    ///
    /// When the subscription ends (the server closed, or the connection was
    /// lost), ``stateChanges()`` streams finish: normally, or with the error.
    public func subscribeAllStateUpdates(interval: Duration = NanoverClient.defaultUpdateInterval) {
        var request = Nanover_Protocol_State_SubscribeStateUpdatesRequest()
        request.updateInterval = Float(Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18)
        var options = CallOptions.defaults
        options.maxResponseMessageBytes = configuration.maxResponseMessageBytes
        let stateClient = self.stateClient
        let mirror = self.mirror
        let logger = configuration.logger
        // Kept in subscriptionTasks; close() cancels and awaits it.
        let task = Task {
            do {
                try await stateClient.subscribeStateUpdates(request, options: options) { response in
                    for try await update in response.messages {
                        mirror.apply(StateChange(changedKeys: try NanoverStruct(update.changedKeys)))
                    }
                }
                mirror.end(error: nil)
            } catch {
                if Task.isCancelled {
                    return
                }
                logger.warning("state subscription lost", metadata: ["error": "\(error)"])
                mirror.end(error: error)
            }
        }
        subscriptionTasks.withLock { $0.append(task) }
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
