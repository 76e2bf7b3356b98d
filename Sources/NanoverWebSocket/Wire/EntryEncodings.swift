import NIOCore
import NanoverCore
import NanoverMessagePack

/// A state entry in the 2026 form, made once per change however many
/// connections are sent it: the MessagePack of its key and value for the
/// `updates` map, or of its key alone for the `removals` list.
public enum MessagePackStateEntry: StateEntryEncoding {
    /// One entry's bytes, ready to be copied into a state message.
    public struct Encoded: Sendable {
        /// Whether the entry is a removal (a stored nil is an update).
        public let isRemoval: Bool
        /// The MessagePack of the key then the value, for an update; of the
        /// key alone, for a removal.
        public let bytes: [UInt8]
    }

    /// Encodes one entry of a change.
    ///
    /// - Parameters:
    ///   - key: The state key.
    ///   - value: Its new value; nil for a removal.
    /// - Returns: The entry's bytes and whether it is a removal.
    public static func encode(key: String, value: NanoverValue?) -> Encoded {
        var bytes: [UInt8] = []
        MessagePackWriter.write(.string(key), into: &bytes)
        if let value {
            MessagePackWriter.write(value.messagePackValue, into: &bytes)
        }
        return Encoded(isRemoval: value == nil, bytes: bytes)
    }
}

/// A subscription update as a whole 2026 state message, in a buffer ready
/// to send: made once for all the connections that share the update (see
/// ``/NanoverCore/SubscriptionUpdate/encoded(as:)``), each of which sends the
/// same buffer without copying it.
public enum MessagePackStateMessage: SubscriptionUpdateEncoding {
    public static func encode(_ update: SubscriptionUpdate) -> ByteBuffer {
        // Copied into the buffer once per shared message, not per connection.
        ByteBuffer(bytes: OutgoingMessage.state(update))
    }
}

extension OutgoingMessage {
    /// The state message of a subscription update, assembled from its
    /// entries' shared encodings: nothing is encoded per connection.
    public static func state(_ update: SubscriptionUpdate) -> [UInt8] {
        state(entries: update.entries.map { $0.encoded(as: MessagePackStateEntry.self) })
    }

    /// The state message of encoded entries, in their order: updates in
    /// the `updates` map, removals in the `removals` list.
    static func state(entries: [MessagePackStateEntry.Encoded]) -> [UInt8] {
        let updates = entries.filter { !$0.isRemoval }
        let removals = entries.filter(\.isRemoval)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(32) { $0 + $1.bytes.count })
        MessagePackWriter.writeMapHeader(count: 1, into: &bytes)
        MessagePackWriter.write(.string("state"), into: &bytes)
        MessagePackWriter.writeMapHeader(count: 2, into: &bytes)
        MessagePackWriter.write(.string("updates"), into: &bytes)
        MessagePackWriter.writeMapHeader(count: updates.count, into: &bytes)
        for entry in updates { bytes += entry.bytes }
        MessagePackWriter.write(.string("removals"), into: &bytes)
        MessagePackWriter.writeArrayHeader(count: removals.count, into: &bytes)
        for entry in removals { bytes += entry.bytes }
        return bytes
    }
}
