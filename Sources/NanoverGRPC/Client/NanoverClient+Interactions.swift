import NanoverCore

extension NanoverClient {
    /// Starts an interaction: sets a new `interaction.<uuid>` key to it and
    /// returns the key, by which to update or stop it. The client stops it
    /// when it closes, if nobody did before.
    ///
    /// - Throws: ``InteractionError/refused(key:)`` if the server refused
    ///   the change; `RPCError` for a failed call.
    @discardableResult
    public func startInteraction(_ interaction: ParticleInteraction) async throws -> String {
        let key = ParticleInteraction.makeKey()
        // Known before it is sent, so that closing meanwhile still stops it.
        ownInteractions.withLock { _ = $0.insert(key) }
        do {
            guard try await attemptUpdateState(StateChange(updates: [key: interaction.stateValue])) else {
                throw InteractionError.refused(key: key)
            }
        } catch {
            ownInteractions.withLock { _ = $0.remove(key) }
            throw error
        }
        return key
    }

    /// Replaces the interaction of `key`, one this client started.
    ///
    /// - Throws: ``InteractionError/unknown(key:)`` for a key this client did
    ///   not start or has stopped; ``InteractionError/refused(key:)`` if the
    ///   server refused (another user locked the key).
    public func updateInteraction(_ key: String, to interaction: ParticleInteraction) async throws {
        guard ownInteractions.withLock({ $0.contains(key) }) else { throw InteractionError.unknown(key: key) }
        guard try await attemptUpdateState(StateChange(updates: [key: interaction.stateValue])) else {
            throw InteractionError.refused(key: key)
        }
    }

    /// Stops the interaction of `key`, one this client started: removes its
    /// key.
    ///
    /// - Throws: ``InteractionError/unknown(key:)``,
    ///   ``InteractionError/refused(key:)``.
    public func stopInteraction(_ key: String) async throws {
        guard ownInteractions.withLock({ $0.remove(key) }) != nil else { throw InteractionError.unknown(key: key) }
        guard try await attemptUpdateState(StateChange(removals: [key])) else {
            throw InteractionError.refused(key: key)
        }
    }

    /// Stops every interaction this client started, in one change.
    public func stopAllInteractions() async throws {
        let keys = ownInteractions.withLock { keys in
            defer { keys.removeAll() }
            return keys
        }
        guard !keys.isEmpty else { return }
        guard try await attemptUpdateState(StateChange(removals: keys)) else {
            throw InteractionError.refused(key: keys.sorted()[0])
        }
    }

    /// The keys of the interactions this client started and has not stopped.
    public var ownInteractionKeys: Set<String> {
        ownInteractions.withLock { $0 }
    }

    /// Every user's interactions in the mirrored state, by key; values that
    /// are not interactions are left out.
    public var interactions: [String: ParticleInteraction] {
        withLockedState { state in
            var found: [String: ParticleInteraction] = [:]
            for (key, value) in state where key.hasPrefix(ParticleInteraction.keyPrefix) {
                found[key] = try? ParticleInteraction(stateValue: value)
            }
            return found
        }
    }
}

/// Why an interaction could not be changed.
public enum InteractionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// This client did not start the interaction, or has stopped it.
    case unknown(key: String)
    /// The server refused the change: another user holds the key's lock.
    case refused(key: String)

    public var description: String {
        switch self {
        case .unknown(let key): return "\(key) is not an interaction this client started"
        case .refused(let key): return "the server refused the change of \(key): it is locked by someone else"
        }
    }
}
