import Synchronization

/// The encoded forms of one change or one frame, one per protocol that has
/// asked, each made once however many subscribers read it.
final class EncodedForms: Sendable {
    /// Few protocols ever ask, so a short list beats a dictionary. Each form
    /// is boxed under its encoding's identifier, so finding it again needs
    /// no dynamic cast (this runs once per entry per subscriber message).
    private let forms = Mutex<[(ObjectIdentifier, AnyObject & Sendable)]>([])

    /// The form for `encoding`, made by `make` the first time. Made under
    /// the lock, so that two subscribers asking at once encode once: the
    /// second needs the bytes anyway.
    func form<Value: Sendable>(for encoding: Any.Type, make: () -> Value) -> Value {
        let id = ObjectIdentifier(encoding)
        return forms.withLock { forms in
            for (formID, form) in forms where formID == id {
                // Stored below under this very identifier.
                return unsafeDowncast(form, to: EncodedForm<Value>.self).value
            }
            let form = EncodedForm(make())
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
