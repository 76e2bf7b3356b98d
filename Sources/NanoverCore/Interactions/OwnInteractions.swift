import Synchronization

/// The interactions one client started and has not stopped, with what
/// starting, updating and stopping them means in state changes, whatever
/// protocol the client speaks: each client passes the way it applies a
/// change (`apply`, which says whether the server took it).
package final class OwnInteractions: Sendable {
    private let keys = Mutex<Set<String>>([])

    package init() {}

    /// The keys of the interactions started and not stopped.
    package var current: Set<String> {
        keys.withLock { $0 }
    }

    /// Sets a new `interaction.<uuid>` key to `interaction` and returns it.
    ///
    /// - Throws: ``InteractionError/refused(key:)`` if the change was
    ///   refused; what `apply` throws.
    package func start(
        _ interaction: ParticleInteraction, apply: (StateChange) async throws -> Bool
    ) async throws -> String {
        let key = ParticleInteraction.makeKey()
        // Known before it is sent, so that closing meanwhile still stops it.
        keys.withLock { _ = $0.insert(key) }
        do {
            guard try await apply(StateChange(updates: [key: interaction.stateValue])) else {
                throw InteractionError.refused(key: key)
            }
        } catch {
            keys.withLock { _ = $0.remove(key) }
            throw error
        }
        return key
    }

    /// Replaces the interaction of `key`, one started here.
    ///
    /// - Throws: ``InteractionError``; what `apply` throws.
    package func update(
        _ key: String, to interaction: ParticleInteraction, apply: (StateChange) async throws -> Bool
    ) async throws {
        guard keys.withLock({ $0.contains(key) }) else { throw InteractionError.unknown(key: key) }
        guard try await apply(StateChange(updates: [key: interaction.stateValue])) else {
            throw InteractionError.refused(key: key)
        }
    }

    /// Stops the interaction of `key`, one started here: removes its key.
    ///
    /// - Throws: ``InteractionError``; what `apply` throws.
    package func stop(_ key: String, apply: (StateChange) async throws -> Bool) async throws {
        guard keys.withLock({ $0.remove(key) }) != nil else { throw InteractionError.unknown(key: key) }
        guard try await apply(StateChange(removals: [key])) else {
            throw InteractionError.refused(key: key)
        }
    }

    /// Stops every interaction started here, in one change.
    ///
    /// - Throws: ``InteractionError/refused(key:)``; what `apply` throws.
    package func stopAll(apply: (StateChange) async throws -> Bool) async throws {
        let stopping = keys.withLock { keys in
            defer { keys.removeAll() }
            return keys
        }
        guard !stopping.isEmpty else { return }
        guard try await apply(StateChange(removals: stopping)) else {
            throw InteractionError.refused(key: stopping.sorted()[0])
        }
    }
}

extension ParticleInteraction {
    /// Every user's interactions in `state`, by key; values under the
    /// interaction prefix that are not interactions are left out.
    ///
    /// - Parameter state: A whole state, such as a client's mirror or
    ///   ``StateEngine/copyState()``.
    /// - Returns: The interactions by their `interaction.<id>` keys.
    public static func all(in state: NanoverStruct) -> [String: ParticleInteraction] {
        var found: [String: ParticleInteraction] = [:]
        for (key, value) in state where key.hasPrefix(keyPrefix) {
            found[key] = try? ParticleInteraction(stateValue: value)
        }
        return found
    }
}

/// Why an interaction could not be changed.
public enum InteractionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// This client did not start the interaction, or has stopped it.
    case unknown(key: String)
    /// The server refused the change: another user holds the key's lock.
    case refused(key: String)

    /// The error in words, naming the key.
    public var description: String {
        switch self {
        case .unknown(let key): return "\(key) is not an interaction this client started"
        case .refused(let key): return "the server refused the change of \(key): it is locked by someone else"
        }
    }
}
