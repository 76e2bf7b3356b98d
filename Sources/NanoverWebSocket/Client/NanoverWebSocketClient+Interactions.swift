import NanoverCore

extension NanoverWebSocketClient {
    /// Starts an interaction: sets a new `interaction.<uuid>` key to it and
    /// returns the key, by which to update or stop it. The client stops it
    /// when it closes, if nobody did before.
    ///
    /// - Throws: ``NanoverWebSocketClientError`` if the client is closed or
    ///   the connection has ended. (The 2026 protocol has no refusal to
    ///   report.)
    @discardableResult
    public func startInteraction(_ interaction: ParticleInteraction) async throws -> String {
        try await ownInteractions.start(interaction, apply: sent)
    }

    /// Replaces the interaction of `key`, one this client started.
    ///
    /// - Throws: ``/NanoverCore/InteractionError/unknown(key:)`` for a key this client
    ///   did not start or has stopped; ``NanoverWebSocketClientError``.
    public func updateInteraction(_ key: String, to interaction: ParticleInteraction) async throws {
        try await ownInteractions.update(key, to: interaction, apply: sent)
    }

    /// Stops the interaction of `key`, one this client started: removes
    /// its key.
    ///
    /// - Throws: ``/NanoverCore/InteractionError/unknown(key:)``;
    ///   ``NanoverWebSocketClientError``.
    public func stopInteraction(_ key: String) async throws {
        try await ownInteractions.stop(key, apply: sent)
    }

    /// Stops every interaction this client started, in one change.
    public func stopAllInteractions() async throws {
        try await ownInteractions.stopAll(apply: sent)
    }

    /// The keys of the interactions this client started and has not stopped.
    public var ownInteractionKeys: Set<String> {
        ownInteractions.current
    }

    /// Every user's interactions in the mirrored state, by key; values that
    /// are not interactions are left out.
    public var interactions: [String: ParticleInteraction] {
        withLockedState(ParticleInteraction.all(in:))
    }

    /// Sends a change; the 2026 protocol refuses nothing it can report.
    private func sent(_ change: StateChange) async throws -> Bool {
        try await update(change)
        return true
    }
}
