import Synchronization

/// The user a connection said it was, so that what it leaves behind can go
/// when it ends: a headset that crashes must not leave its avatar and
/// interactions in the session for ever.
///
/// The id is learned from the first `avatar.<id>` key the connection writes
/// (a refused change writes nothing); a connection that never writes one
/// removes nothing. Each protocol adapter keeps one per connection.
package final class ConnectionUser: Sendable {
    private let id = Mutex<String?>(nil)

    package init() {}

    /// The user id learned so far.
    package var userID: String? { id.withLock { $0 } }

    /// Learns the user id from `change`, once it has been applied, if none
    /// is known yet.
    package func learn(from change: StateChange) {
        guard let named = change.updates.keys.lazy.compactMap(DepartedUser.userID(fromKey:)).first else { return }
        id.withLock { known in
            if known == nil { known = named }
        }
    }

    /// Removes, in one change, the keys the user left in `engine` (see
    /// ``DepartedUser/keys(of:in:)``) and returns them; nothing when no user
    /// id was learned.
    @discardableResult
    package func removeKeys(from engine: StateEngine) throws(StateError) -> Set<String> {
        guard let id = userID else { return [] }
        let keys = DepartedUser.keys(of: id, in: engine.copyState())
        guard !keys.isEmpty else { return [] }
        try engine.update(StateChange(removals: keys))
        return keys
    }
}
