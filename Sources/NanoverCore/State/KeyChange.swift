/// The latest change of one key as a subscriber will receive it: the new
/// value (nil for a removal) and its protobuf `Struct` map entry, encoded
/// once when the change was applied and shared by every subscriber.
struct KeyChange: Sendable {
    let value: NanoverValue?
    let encodedField: [UInt8]

    init(value: NanoverValue?, encodedField: [UInt8]) {
        self.value = value
        self.encodedField = encodedField
    }

    /// Encodes a change of `key`; nil `value` means removal.
    init(key: String, value: NanoverValue?) throws(NanoverValueError) {
        self.value = value
        self.encodedField = try ProtobufValueWriter.structField(key: key, value: value ?? .null)
    }
}
