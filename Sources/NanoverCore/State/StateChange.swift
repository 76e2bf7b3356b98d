/// One change to the shared state: keys to set and keys to remove.
///
/// A key is never both: a later ``remove(_:)`` cancels an update of the same
/// key and a later ``set(_:to:)`` cancels its removal. ``NanoverValue/null``
/// is a value like any other here (the 2026 protocol stores it); the gRPC
/// adapter reads a top-level null on its wire as a removal before it gets
/// here.
public struct StateChange: Sendable, Hashable {
    /// Keys to set, with their new values.
    public private(set) var updates: NanoverStruct
    /// Keys to remove.
    public private(set) var removals: Set<String>

    /// A change from updates and removals; a key in both is removed, as the
    /// reference does.
    ///
    /// - Parameters:
    ///   - updates: Keys to set, with their values.
    ///   - removals: Keys to remove.
    public init(updates: NanoverStruct = [:], removals: Set<String> = []) {
        self.updates = updates
        self.removals = removals
        for key in removals {
            self.updates[key] = nil
        }
    }

    /// Every key this change touches.
    public var keys: Set<String> {
        removals.union(updates.keys)
    }

    /// Whether the change sets and removes nothing. Applying an empty
    /// change succeeds and tells nobody.
    public var isEmpty: Bool {
        updates.isEmpty && removals.isEmpty
    }

    /// Sets a key (to ``NanoverValue/null`` too: that stores nil).
    ///
    /// - Parameters:
    ///   - key: The state key.
    ///   - value: Its new value; cancels a removal of the key made earlier
    ///     in this change.
    public mutating func set(_ key: String, to value: NanoverValue) {
        removals.remove(key)
        updates[key] = value
    }

    /// Removes a key; cancels an update of the key made earlier in this
    /// change. Removing a key the state lacks is allowed, and subscribers
    /// still see the removal.
    ///
    /// - Parameter key: The state key.
    public mutating func remove(_ key: String) {
        updates[key] = nil
        removals.insert(key)
    }

    /// Folds a later change into this one, so that applying the result equals
    /// applying both in order.
    ///
    /// - Parameter later: The change that came after this one.
    public mutating func merge(_ later: StateChange) {
        for (key, value) in later.updates {
            set(key, to: value)
        }
        for key in later.removals {
            remove(key)
        }
    }

    /// Applies this change to a dictionary, as a client's mirror does.
    ///
    /// - Parameter state: The state to change.
    public func apply(to state: inout NanoverStruct) {
        for (key, value) in updates {
            state[key] = value
        }
        for key in removals {
            state[key] = nil
        }
    }
}
