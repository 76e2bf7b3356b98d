/// One message of a state subscription: every key changed since the
/// previous message, each once, with its latest value or as a removal.
public struct SubscriptionUpdate: Sendable {
    /// The changed keys, each with its value or removal.
    public let entries: [StateEntry]

    init(entries: [StateEntry]) {
        self.entries = entries
    }

    /// The update as a change: keys set and keys removed.
    public var change: StateChange {
        var change = StateChange()
        for entry in entries {
            if let value = entry.value {
                change.set(entry.key, to: value)
            } else {
                change.remove(entry.key)
            }
        }
        return change
    }

    /// The keys this update touches.
    public var keys: some Collection<String> {
        entries.lazy.map(\.key)
    }

    /// How many keys this update touches.
    public var count: Int {
        entries.count
    }
}

extension SubscriptionUpdate {
    /// A message that changes nothing: what an adapter sends first, when its
    /// protocol needs a first message, for an empty state.
    public static let empty = SubscriptionUpdate(entries: [])
}
