/// One key of a subscription message: its latest value, or its removal.
///
/// A protocol adapter turns entries into its own wire form with
/// ``encoded(as:)``: each change is encoded once per protocol, by the first
/// subscriber that needs it, and every other subscriber of that protocol
/// reuses the bytes, however many there are.
public struct StateEntry: Sendable {
    /// The state key.
    public let key: String
    /// The new value; nil when the key was removed.
    public let value: NanoverValue?
    let encodings: EncodedForms

    init(key: String, change: KeyChange) {
        self.key = key
        self.value = change.value
        self.encodings = change.encodings
    }

    /// This entry in `encoding`'s form, made at most once per change.
    ///
    /// - Parameter encoding: The protocol's encoding.
    /// - Returns: The encoded form, shared with every other subscriber
    ///   that asks for this change in this encoding.
    public func encoded<Encoding: StateEntryEncoding>(as encoding: Encoding.Type) -> Encoding.Encoded {
        encodings.form(for: encoding) { Encoding.encode(key: key, value: value) }
    }
}

/// A protocol's wire form of one state entry, such as a protobuf map entry.
public protocol StateEntryEncoding {
    /// The encoded form, such as the bytes of a map entry.
    associatedtype Encoded: Sendable
    /// Encodes the change of `key`; nil `value` is a removal.
    ///
    /// - Parameters:
    ///   - key: The state key.
    ///   - value: Its new value; nil for a removal.
    /// - Returns: The entry in this protocol's form.
    static func encode(key: String, value: NanoverValue?) -> Encoded
}
