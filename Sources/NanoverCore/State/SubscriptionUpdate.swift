/// One message of a state subscription: every key changed since the
/// previous message, each with its latest value, or as a removal.
public struct SubscriptionUpdate: Sendable {
    let keyChanges: [(key: String, change: KeyChange)]
    /// The encoded size of the entries together, which both sizing and
    /// writing the message need.
    private let entriesLength: Int

    init(keyChanges: [(key: String, change: KeyChange)]) {
        self.keyChanges = keyChanges
        entriesLength = keyChanges.reduce(0) { $0 + $1.change.encodedField.count }
    }

    /// The update as a change: keys set and keys removed.
    public var change: StateChange {
        var change = StateChange()
        for (key, keyChange) in keyChanges {
            if let value = keyChange.value {
                change.set(key, to: value)
            } else {
                change.remove(key)
            }
        }
        return change
    }

    /// The keys this update touches.
    public var keys: some Collection<String> {
        keyChanges.lazy.map(\.key)
    }

    /// How many keys this update touches.
    public var count: Int {
        keyChanges.count
    }

    /// The update as the bytes of a `nanover.protocol.state.StateUpdate`
    /// message, built from values encoded once per change.
    public var encodedStateUpdate: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedStateUpdateCount) { buffer, initialized in
            encodeStateUpdate(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = buffer.count
        }
    }

    /// The size of ``encodedStateUpdate``, in bytes.
    public var encodedStateUpdateCount: Int {
        ProtobufValueWriter.messageSize(entriesLength: entriesLength)
    }

    /// Writes ``encodedStateUpdate`` into `buffer`, which must be exactly
    /// ``encodedStateUpdateCount`` bytes: for a transport's own buffer.
    public func encodeStateUpdate(into buffer: UnsafeMutableRawBufferPointer) {
        ProtobufValueWriter.writeMessage(
            structFieldNumber: 1, entries: keyChanges.lazy.map(\.change.encodedField), entriesLength: entriesLength, into: buffer)
    }
}
