/// One change to the shared state: keys to set and keys to remove.
///
/// A key is never both: a later ``remove(_:)`` cancels an update of the same
/// key and a later ``set(_:to:)`` cancels its removal. Setting a key to
/// ``NanoverValue/null`` removes it, as a top-level null does on the wire.
public struct StateChange: Sendable, Hashable {
    /// Keys to set, with their new values (never null).
    public private(set) var updates: NanoverStruct
    /// Keys to remove.
    public private(set) var removals: Set<String>

    /// A change from updates and removals. Null updates become removals, and a
    /// key in both is removed, as the reference does.
    public init(updates: NanoverStruct = [:], removals: Set<String> = []) {
        self.updates = [:]
        self.removals = []
        self.updates.reserveCapacity(updates.count)
        for (key, value) in updates {
            set(key, to: value)
        }
        for key in removals {
            remove(key)
        }
    }

    /// A change from its wire form: every key with its new value, null
    /// meaning removal.
    public init(changedKeys: NanoverStruct) {
        self.init(updates: changedKeys)
    }

    /// The wire form: updated keys with their values, removed keys with null.
    public var changedKeys: NanoverStruct {
        var keys = updates
        for key in removals {
            keys[key] = .null
        }
        return keys
    }

    /// Every key this change touches.
    public var keys: Set<String> {
        removals.union(updates.keys)
    }

    public var isEmpty: Bool {
        updates.isEmpty && removals.isEmpty
    }

    /// Sets a key; a null value removes it instead.
    public mutating func set(_ key: String, to value: NanoverValue) {
        if value.isNull {
            remove(key)
        } else {
            removals.remove(key)
            updates[key] = value
        }
    }

    public mutating func remove(_ key: String) {
        updates[key] = nil
        removals.insert(key)
    }

    /// Folds a later change into this one, so that applying the result equals
    /// applying both in order.
    public mutating func merge(_ later: StateChange) {
        for (key, value) in later.updates {
            set(key, to: value)
        }
        for key in later.removals {
            remove(key)
        }
    }

    /// Applies this change to a dictionary.
    public func apply(to state: inout NanoverStruct) {
        for (key, value) in updates {
            state[key] = value
        }
        for key in removals {
            state[key] = nil
        }
    }
}
