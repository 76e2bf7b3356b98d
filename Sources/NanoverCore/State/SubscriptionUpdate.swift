/// One message of a state subscription: every key changed since the
/// previous message, each once, with its latest value or as a removal.
///
/// Subscribers that keep step with each other (the same interval, reading
/// in time) are handed the very same update, made once for all of them: an
/// adapter that encodes it with ``encoded(as:)`` encodes the whole message
/// once per protocol, not once per subscriber.
public struct SubscriptionUpdate: Sendable {
    /// The changed keys, each with its value or removal.
    public let entries: [StateEntry]
    /// The encoded forms of the whole message, when it is shared by several
    /// subscribers; nil for a message made for one.
    private let sharedForms: EncodedForms?

    init(entries: [StateEntry], shared: Bool = false) {
        self.entries = entries
        self.sharedForms = shared ? EncodedForms() : nil
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

    /// The whole message in `encoding`'s form: made once for an update that
    /// several subscribers share, and every other reader reuses it.
    public func encoded<Encoding: SubscriptionUpdateEncoding>(as encoding: Encoding.Type) -> Encoding.Encoded {
        guard let sharedForms else { return Encoding.encode(self) }
        return sharedForms.form(for: encoding) { Encoding.encode(self) }
    }
}

/// A protocol's wire form of a whole subscription message, such as the
/// bytes of a `StateUpdate` or of a 2026 state message.
public protocol SubscriptionUpdateEncoding {
    /// The encoded message.
    associatedtype Encoded: Sendable
    /// Encodes `update` (typically from its entries' own encodings,
    /// ``StateEntry/encoded(as:)``).
    static func encode(_ update: SubscriptionUpdate) -> Encoded
}

extension SubscriptionUpdate {
    /// A message that changes nothing: what an adapter sends first, when its
    /// protocol needs a first message, for an empty state.
    public static let empty = SubscriptionUpdate(entries: [])
}
