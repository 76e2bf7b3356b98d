import Foundation

/// A key that cannot exist, whose removal a client sends to make a server
/// that sends nothing for an empty state (the Python reference, in either
/// protocol) stream a first state message: the removal changes nothing,
/// is allowed, and reaches every subscriber, the sender included.
package enum EmptyStateProbe {
    /// A fresh such key: `nanover.snapshot.<uuid>`.
    package static func makeKey() -> String {
        "nanover.snapshot.\(UUID().uuidString.lowercased())"
    }

    /// `change` without the probe's removal, which nobody asked to see.
    package static func removing(_ key: String, from change: StateChange) -> StateChange {
        guard change.removals.contains(key) else { return change }
        return StateChange(updates: change.updates, removals: change.removals.subtracting([key]))
    }
}
