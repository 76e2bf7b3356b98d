import NanoverCore
import Testing

@Suite("StateChange")
struct StateChangeTests {
    @Test("a null update stores nil, and a key in both is removed")
    func normalisation() {
        let change = StateChange(updates: ["a": 1, "b": nil, "c": 2], removals: ["c"])
        #expect(change.updates == ["a": 1, "b": nil])
        #expect(change.removals == ["c"])
        #expect(change.keys == ["a", "b", "c"])
    }

    @Test("nested nulls are values, not removals")
    func nestedNull() {
        let change = StateChange(updates: ["a": ["b": nil], "l": [nil]])
        #expect(change.removals.isEmpty)
        #expect(change.updates["a"] == ["b": nil])
    }

    @Test("merging keeps the latest of each key")
    func merge() {
        var change = StateChange(updates: ["a": 1, "b": 1], removals: ["c"])
        change.merge(StateChange(updates: ["c": 3], removals: ["a"]))
        #expect(change == StateChange(updates: ["b": 1, "c": 3], removals: ["a"]))
    }

    @Test("applying sets and removes")
    func apply() {
        var state: NanoverStruct = ["a": 1, "b": 2]
        StateChange(updates: ["a": 10, "c": 3], removals: ["b", "missing"]).apply(to: &state)
        #expect(state == ["a": 10, "c": 3])
    }
}
