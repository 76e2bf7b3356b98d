/// The 2026 VR app places the simulation by `transform.simulation`; older
/// clients by `scene` (10 numbers: position, rotation quaternion x, y, z,
/// w, scale x, y, z). A change writing one also writes the other, the
/// scale's x negated between them, as the 2026 reference does.
package enum SceneShim {
    static let scene = "scene"
    static let transform = "transform.simulation"
    /// Where scale x sits in the 10 numbers.
    private static let scaleX = 7

    /// `change` with the other form of the scene added, when it writes one
    /// form (well formed) and not the other.
    package static func extend(_ change: StateChange) -> StateChange {
        var updates = change.updates
        if updates[transform] == nil, let pose = updates[scene].flatMap(mirrored) {
            updates[transform] = ["transform": .list(pose), "parent": "root"]
        } else if updates[scene] == nil, let pose = updates[transform]?["transform"].flatMap(mirrored) {
            updates[scene] = .list(pose)
        } else {
            return change
        }
        return StateChange(updates: updates, removals: change.removals)
    }

    /// The 10 numbers with scale x negated; nil for anything else.
    private static func mirrored(_ value: NanoverValue) -> [NanoverValue]? {
        guard var numbers = value.listValue, numbers.count == 10, numbers.allSatisfy(\.isNumber) else { return nil }
        switch numbers[scaleX] {
        case .int(let number) where number != Int64.min: numbers[scaleX] = .int(-number)
        case .uint(let number) where number <= UInt64(Int64.max): numbers[scaleX] = .int(-Int64(number))
        default: numbers[scaleX] = .double(-(numbers[scaleX].doubleValue ?? 0))
        }
        return numbers
    }
}
