import Synchronization

/// One key of a subscription message: its latest value, or its removal.
///
/// A protocol adapter turns entries into its own wire form with
/// ``encoded(as:)``: each change is encoded once per protocol, by the first
/// subscriber that needs it, and every other subscriber of that protocol
/// reuses the bytes, however many there are.
public struct StateEntry: Sendable {
    public let key: String
    /// The new value; nil when the key was removed.
    public let value: NanoverValue?
    let encodings: EntryEncodings

    init(key: String, change: KeyChange) {
        self.key = key
        self.value = change.value
        self.encodings = change.encodings
    }

    /// This entry in `encoding`'s form, made at most once per change.
    public func encoded<Encoding: StateEntryEncoding>(as encoding: Encoding.Type) -> Encoding.Encoded {
        encodings.form(encoding, key: key, value: value)
    }
}

/// A protocol's wire form of one state entry, such as a protobuf map entry.
public protocol StateEntryEncoding {
    associatedtype Encoded: Sendable
    /// Encodes the change of `key`; nil `value` is a removal.
    static func encode(key: String, value: NanoverValue?) -> Encoded
}

/// The encoded forms of one change, one per protocol that has asked.
final class EntryEncodings: Sendable {
    /// Few protocols ever ask, so a short list beats a dictionary. Each form
    /// is boxed under its encoding's identifier, so finding it again needs
    /// no dynamic cast (this runs once per entry per subscriber message).
    private let forms = Mutex<[(ObjectIdentifier, AnyObject & Sendable)]>([])

    /// Encodes under the lock, so that two subscribers asking at once
    /// encode once: the second needs the bytes anyway.
    func form<Encoding: StateEntryEncoding>(_ encoding: Encoding.Type, key: String, value: NanoverValue?) -> Encoding.Encoded {
        let id = ObjectIdentifier(encoding)
        return forms.withLock { forms in
            for (formID, form) in forms where formID == id {
                // Stored below under this very identifier.
                return unsafeDowncast(form, to: EncodedForm<Encoding.Encoded>.self).value
            }
            let form = EncodedForm(Encoding.encode(key: key, value: value))
            forms.append((id, form))
            return form.value
        }
    }
}

/// One encoded form, boxed.
private final class EncodedForm<Value: Sendable>: Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
