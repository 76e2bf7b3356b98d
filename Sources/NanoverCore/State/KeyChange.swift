/// The latest change of one key as the engine keeps it: the new value (nil
/// for a removal), its size for the state's limits, and the forms each
/// protocol encodes it into, made once and shared by every subscriber.
struct KeyChange: Sendable {
    let value: NanoverValue?
    /// ``NanoverValue/sizeEstimate`` of the key and value; 0 for a removal.
    let size: Int
    let encodings: EncodedForms

    init(key: String, value: NanoverValue?) {
        self.value = value
        self.size = value.map { key.utf8.count + $0.sizeEstimate } ?? 0
        self.encodings = EncodedForms()
    }
}
