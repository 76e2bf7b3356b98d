/// What a client leaves behind when its connection ends: the keys of
/// the user it said it was, by the first `avatar.<id>` key it wrote.
package enum DepartedUser {
    static let avatarPrefix = "avatar."

    /// The user id an `avatar.<id>` key names; nil for other keys.
    package static func userID(fromKey key: String) -> String? {
        guard key.hasPrefix(avatarPrefix), key.count > avatarPrefix.count else { return nil }
        return String(key.dropFirst(avatarPrefix.count))
    }

    /// The keys of `state` that belong to user `id`: those whose dotted
    /// segments after the first include the id's, whole (`avatar.<id>`,
    /// `playarea.<id>`, `selection.<id>.3`, not `foo.<id>2`), and the
    /// interactions whose `owner.id` is the id.
    package static func keys(of id: String, in state: NanoverStruct) -> Set<String> {
        let idSegments = id.split(separator: ".", omittingEmptySubsequences: false)
        var keys = Set<String>()
        for (key, value) in state {
            let segments = key.split(separator: ".", omittingEmptySubsequences: false).dropFirst()
            if contains(Array(segments), idSegments) {
                keys.insert(key)
            } else if key.hasPrefix(ParticleInteraction.keyPrefix), value["owner"]?["id"]?.stringValue == id {
                keys.insert(key)
            }
        }
        return keys
    }

    /// Whether `sequence` appears in `segments`, contiguous.
    private static func contains(_ segments: [Substring], _ sequence: [Substring]) -> Bool {
        guard !sequence.isEmpty, segments.count >= sequence.count else { return false }
        for start in 0...(segments.count - sequence.count) where Array(segments[start..<start + sequence.count]) == sequence {
            return true
        }
        return false
    }
}
