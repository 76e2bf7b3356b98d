import NanoverCore

extension NanoverClient {
    /// Starts an interaction: sets a new `interaction.<uuid>` key to it and
    /// returns the key, by which to update or stop it. The client stops it
    /// when it closes, if nobody did before.
    ///
    /// - Throws: ``/NanoverCore/InteractionError/refused(key:)`` if the server
    ///   refused the change; `RPCError` for a failed call.
    @discardableResult
    public func startInteraction(_ interaction: ParticleInteraction) async throws -> String {
        try await ownInteractions.start(interaction, apply: attemptUpdateState)
    }

    /// Replaces the interaction of `key`, one this client started.
    ///
    /// - Throws: ``/NanoverCore/InteractionError/unknown(key:)`` for a key this
    ///   client did not start or has stopped;
    ///   ``/NanoverCore/InteractionError/refused(key:)`` if the server refused
    ///   (another user locked the key).
    public func updateInteraction(_ key: String, to interaction: ParticleInteraction) async throws {
        try await ownInteractions.update(key, to: interaction, apply: attemptUpdateState)
    }

    /// Stops the interaction of `key`, one this client started: removes its
    /// key.
    ///
    /// - Throws: ``/NanoverCore/InteractionError/unknown(key:)``,
    ///   ``/NanoverCore/InteractionError/refused(key:)``.
    public func stopInteraction(_ key: String) async throws {
        try await ownInteractions.stop(key, apply: attemptUpdateState)
    }

    /// Stops every interaction this client started, in one change.
    public func stopAllInteractions() async throws {
        try await ownInteractions.stopAll(apply: attemptUpdateState)
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
}
