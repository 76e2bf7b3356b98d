import NanoverCore

extension NanoverWebSocketClient {
    // MARK: Mirror

    /// A copy of the mirror: the shared state as the server last sent it.
    public func copyState() -> NanoverStruct {
        mirror.copy()
    }

    /// Runs `body` on the mirror while no message lands on it.
    public func withLockedState<Result: Sendable, Failure: Error>(
        _ body: (_ state: NanoverStruct) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try mirror.withLockedContent(body)
    }

    /// The mirror's content now, as one change, then every change the
    /// server sends, merged for a slow reader (see ``/NanoverCore/StateChangeStream``).
    /// It finishes when the client closes or the server closes normally,
    /// and throws the error when the connection fails.
    public func stateChanges() -> StateChangeStream {
        mirror.changes()
    }

    /// Whether the server's first state message, the whole state, has come.
    public var hasInitialState: Bool {
        firstState.hasArrived
    }

    /// The whole shared state, once the server has sent it: waits for the
    /// first state message, then returns the mirror.
    ///
    /// A server that sends nothing for an empty state (the Python
    /// reference) is nudged when no message has come after a second: the
    /// client removes a key that cannot exist (`nanover.snapshot.<uuid>`),
    /// which such a server sends back to everyone. Our hub always sends a
    /// first message, and is never nudged.
    ///
    /// - Throws: ``NanoverWebSocketClientError``: how the connection ended,
    ///   or ``NanoverWebSocketClientError/timedOut(_:)`` after
    ///   ``Configuration/callTimeout``.
    public func fetchState() async throws -> NanoverStruct {
        try await withDeadline(configuration.callTimeout, waitingFor: "state from the server") { [self] in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [firstState] in try await firstState.wait() }
                group.addTask { [self] in
                    var wait = Duration.seconds(1)
                    while true {
                        try await Task.sleep(for: wait)
                        if firstState.hasArrived { return }
                        try await update(StateChange(removals: [probeKey]))
                        wait = .milliseconds(500)
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
        return copyState()
    }

    // MARK: Changes

    /// Sends one atomic change of the shared state. There is no reply: the
    /// server applies it whole (or, on our hub, refuses it whole when a key
    /// is locked over gRPC) and sends it back to everyone, this client
    /// included, so the mirror shows it once applied. A key set to
    /// ``/NanoverCore/NanoverValue/null`` stores nil; it is not removed.
    ///
    /// - Throws: `NanoverValueError` for a value nested too deeply (nothing
    ///   is sent); ``NanoverWebSocketClientError`` if the client is closed
    ///   or the connection has ended.
    public func update(_ change: StateChange) async throws {
        try change.updates.validate()
        try await send(OutgoingMessage.state(change))
    }

    /// Sends one atomic change: `updates` set, `removals` removed (a key in
    /// both is removed). See ``update(_:)``.
    public func update(updates: NanoverStruct = [:], removals: Set<String> = []) async throws {
        try await update(StateChange(updates: updates, removals: removals))
    }

    /// Sets one key. See ``update(_:)``.
    public func setState(_ key: String, to value: NanoverValue) async throws {
        try await update(StateChange(updates: [key: value]))
    }

    /// Removes one key. See ``update(_:)``.
    public func removeState(_ key: String) async throws {
        try await update(StateChange(removals: [key]))
    }
}
