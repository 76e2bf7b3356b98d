import Foundation
import NanoverCore
import NanoverTesting
import Synchronization
import NanoverTestSupport
import Testing

/// The shared dictionary with token-checked atomic changes. Ported in spirit
/// from the reference's `tests/state/test_state_dictionary.py`, plus the
/// contract's lock rules.
@Suite("State engine")
struct StateEngineTests {
    static let initialState: NanoverStruct = ["hello": 100, "test": ["baby": "yoda"]]
    let token1 = AccessToken.unique()
    let token2 = AccessToken.unique()
    let clock = ManualClock()
    let engine: StateEngine

    init() throws {
        engine = StateEngine(clock: clock)
        try engine.update(StateChange(updates: Self.initialState))
    }

    @Test("the initial state is set")
    func initialState() {
        engine.withLockedState { state in
            #expect(state == Self.initialState)
        }
    }

    @Test("unlocked keys can be changed and removed")
    func updateUnlocked() throws {
        try engine.update(StateChange(updates: ["hello": 50], removals: ["test"]), token: token1)
        #expect(engine.copyState() == ["hello": 50])
    }

    @Test("a change touching a key locked by another token has no effect at all")
    func partialLockIsAtomic() throws {
        try engine.updateLocks(token: token2, acquire: ["hello": 10])
        #expect(throws: StateError.locked(keys: ["hello"])) {
            try engine.update(StateChange(updates: ["hello": 50, "goodbye": 50]), token: token1)
        }
        #expect(engine.copyState() == Self.initialState)
    }

    @Test("a removal of a key locked by another token is refused")
    func removalOfLockedKey() throws {
        try engine.updateLocks(token: token2, acquire: ["hello": 10])
        #expect(throws: StateError.locked(keys: ["hello"])) {
            try engine.update(StateChange(removals: ["hello"]), token: token1)
        }
        #expect(engine.copyState() == Self.initialState)
    }

    @Test("removing a key that does not exist does not stop the rest of the change")
    func removalOfMissingKey() throws {
        try engine.update(StateChange(updates: ["hello": 50], removals: ["goodbye"]), token: token1)
        #expect(engine.value(forKey: "hello") == 50)
    }

    @Test("an empty change succeeds and changes nothing")
    func emptyChange() throws {
        try engine.update(StateChange(), token: token1)
        #expect(engine.copyState() == Self.initialState)
    }

    @Test("a copy is deep: changing it leaves the state alone")
    func copyIsIndependent() {
        var copy = engine.copyState()
        #expect(copy == Self.initialState)
        copy["test"] = ["baby": "shark"]
        #expect(engine.copyState() == Self.initialState)
    }

    @Test("no change lands while the state is read under the lock, and it lands after")
    func lockedContentIsUnchanged() async throws {
        let attempted = Box(false)
        let order = Box<[String]>([])
        let engine = self.engine
        let token = token1
        engine.withLockedState { state in
            Thread.detachNewThread {
                attempted.value = true
                try? engine.update(StateChange(updates: ["hello": 50]), token: token)
                order.mutate { $0.append("landed") }
            }
            // The meddler is on its way to the engine's lock (the deadline
            // only bounds a hang); whenever it gets there, its change must
            // land after this body, never inside it.
            let deadline = Date().addingTimeInterval(120)
            while !attempted.value && Date() < deadline {
                sched_yield()
            }
            #expect(attempted.value)
            #expect(state == Self.initialState)
            order.mutate { $0.append("read") }
        }
        await waitUntil("the delayed change lands") { engine.value(forKey: "hello") == 50 }
        await waitUntil("the meddler is done") { order.value.count == 2 }
        #expect(order.value == ["read", "landed"])
    }

    @Test("observers see each applied change with its token, in order")
    func observers() throws {
        let seen = Box<[(AccessToken, StateChange)]>([])
        let id = engine.addObserver { token, change in
            seen.mutate { $0.append((token, change)) }
        }
        let change = StateChange(updates: ["hello": "baby yoda"])
        try engine.update(change, token: token1)
        #expect(seen.value.count == 1)
        #expect(seen.value.first?.0 == token1)
        #expect(seen.value.first?.1 == change)
        _ = try? engine.update(StateChange(updates: ["x": 1]), token: token2)
        #expect(seen.value.map(\.0) == [token1, token2])
        engine.removeObserver(id)
        try engine.update(StateChange(updates: ["y": 1]))
        #expect(seen.value.count == 2)
    }

    @Test("16 concurrent writers lose no update")
    func concurrentWriters() async throws {
        let engine = self.engine
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    let token = AccessToken("writer-\(writer)")
                    for index in 0..<200 {
                        try engine.update(StateChange(updates: ["w\(writer).k\(index)": .double(Double(index))]), token: token)
                    }
                    // The same key from every writer: each write is whole.
                    try engine.update(StateChange(updates: ["shared": .double(Double(writer))]), token: token)
                }
            }
            try await group.waitForAll()
        }
        let state = engine.copyState()
        for writer in 0..<16 {
            for index in 0..<200 {
                #expect(state["w\(writer).k\(index)"] == .double(Double(index)))
            }
        }
        #expect(state["shared"]?.intValue.map { (0..<16).contains($0) } == true)
    }

    @Test("values nested too deeply for the wire are refused, and nothing changes")
    func tooDeep() throws {
        var value: NanoverValue = 1
        for _ in 0..<10_000 {
            value = [value]
        }
        #expect(throws: StateError.invalidValue(key: "deep", .nestedTooDeeply(limit: NanoverValue.maximumNestingDepth))) {
            try engine.update(StateChange(updates: ["deep": value, "other": 1]))
        }
        #expect(engine.copyState() == Self.initialState)
    }

    @Test("after close no change lands")
    func closedRefusesChanges() {
        engine.close()
        #expect(engine.isClosed)
        #expect(throws: StateError.closed) { try engine.update(StateChange(updates: ["hello": 1])) }
        #expect(engine.copyState() == Self.initialState)
    }
}
