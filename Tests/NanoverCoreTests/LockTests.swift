import NanoverCore
import NanoverTesting
import Testing

/// Per-key locks with expiry, driven by a manual clock: no test sleeps.
@Suite("Locks")
struct LockTests {
    let clock = ManualClock()
    let engine: StateEngine
    let alice = AccessToken("alice")
    let bob = AccessToken("bob")

    init() {
        engine = StateEngine(clock: clock)
    }

    @Test("an unlocked key, existing or not, can be locked")
    func lockUnlocked() throws {
        try engine.update(StateChange(updates: ["hello": 1]))
        try engine.updateLocks(token: alice, acquire: ["hello": 5, "nonexistent": 5])
        #expect(engine.lockOwner(of: "hello") == alice)
        #expect(engine.lockOwner(of: "nonexistent") == alice)
    }

    @Test("a token can renew its own lock and change its key")
    func ownLock() throws {
        try engine.updateLocks(token: alice, acquire: ["hello": 5])
        try engine.updateLocks(token: alice, acquire: ["hello": 5])
        try engine.update(StateChange(updates: ["hello": 999]), token: alice)
        #expect(engine.value(forKey: "hello") == 999)
    }

    @Test("another token can neither lock, set nor remove a locked key")
    func othersLock() throws {
        try engine.update(StateChange(updates: ["hello": 1]))
        try engine.updateLocks(token: alice, acquire: ["hello": 5])
        #expect(throws: StateError.locked(keys: ["hello"])) { try engine.updateLocks(token: bob, acquire: ["hello": 5]) }
        #expect(throws: StateError.locked(keys: ["hello"])) { try engine.update(StateChange(updates: ["hello": 2]), token: bob) }
        #expect(throws: StateError.locked(keys: ["hello"])) { try engine.update(StateChange(removals: ["hello"]), token: bob) }
        #expect(throws: StateError.locked(keys: ["hello"])) { try engine.update(StateChange(updates: ["hello": 2])) }
        #expect(engine.value(forKey: "hello") == 1)
    }

    @Test("releasing another token's lock is ignored, and succeeds")
    func releaseOthersLock() throws {
        try engine.updateLocks(token: alice, acquire: ["hello": 5])
        try engine.updateLocks(token: bob, release: ["hello"])
        #expect(engine.lockOwner(of: "hello") == alice)
        #expect(throws: StateError.self) { try engine.update(StateChange(updates: ["hello": 999]), token: bob) }
    }

    @Test("a token can release its own lock")
    func releaseOwnLock() throws {
        try engine.updateLocks(token: alice, acquire: ["hello": 5])
        try engine.updateLocks(token: alice, release: ["hello"])
        #expect(engine.lockOwner(of: "hello") == nil)
        try engine.update(StateChange(updates: ["hello": 2]), token: bob)
    }

    @Test("a lock request is all or nothing: a refused acquire also cancels its releases")
    func allOrNothing() throws {
        try engine.updateLocks(token: alice, acquire: ["mine": 5])
        try engine.updateLocks(token: bob, acquire: ["theirs": 5])
        #expect(throws: StateError.locked(keys: ["theirs"])) {
            try engine.updateLocks(token: alice, acquire: ["new": 5, "theirs": 5], release: ["mine"])
        }
        #expect(engine.lockOwner(of: "mine") == alice)
        #expect(engine.lockOwner(of: "new") == nil)
        #expect(engine.lockOwner(of: "theirs") == bob)
    }

    @Test("locks lapse after their duration and the key is free again", arguments: [0.5, 1.0, 2.0])
    func expiry(seconds: Double) throws {
        try engine.updateLocks(token: alice, acquire: ["hello": seconds])
        clock.advance(by: .seconds(seconds) - .milliseconds(1))
        #expect(throws: StateError.locked(keys: ["hello"])) { try engine.updateLocks(token: bob, acquire: ["hello": seconds]) }
        clock.advance(by: .milliseconds(1))
        try engine.updateLocks(token: bob, acquire: ["hello": seconds])
        #expect(engine.lockOwner(of: "hello") == bob)
    }

    @Test("renewing pushes the expiry back")
    func renewal() throws {
        try engine.updateLocks(token: alice, acquire: ["hello": 1])
        clock.advance(by: .milliseconds(900))
        try engine.updateLocks(token: alice, acquire: ["hello": 1])
        clock.advance(by: .milliseconds(900))
        #expect(engine.lockOwner(of: "hello") == alice)
        clock.advance(by: .milliseconds(100))
        #expect(engine.lockOwner(of: "hello") == nil)
    }

    @Test("a duration of zero or less succeeds but has already lapsed", arguments: [0.0, -1.0, -.infinity])
    func nonPositiveDuration(seconds: Double) throws {
        try engine.updateLocks(token: alice, acquire: ["hello": seconds])
        #expect(engine.lockOwner(of: "hello") == nil)
        try engine.update(StateChange(updates: ["hello": 1]), token: bob)
    }

    @Test("an infinite duration never lapses; NaN is refused")
    func extremeDurations() throws {
        try engine.updateLocks(token: alice, acquire: ["forever": .infinity, "huge": 1e300])
        clock.advance(by: .seconds(1_000_000_000))
        #expect(engine.lockOwner(of: "forever") == alice)
        #expect(engine.lockOwner(of: "huge") == alice)
    }

    @Test("clearing releases every lock")
    func clear() throws {
        try engine.updateLocks(token: alice, acquire: ["a": 5, "b": 5])
        try engine.updateLocks(token: bob, acquire: ["c": 5])
        engine.clearLocks()
        #expect(engine.heldLocks().isEmpty)
        try engine.update(StateChange(updates: ["a": 1, "b": 1, "c": 1]), token: bob)
    }

    @Test("the server's no-token identity is distinct from every client token")
    func noToken() throws {
        try engine.updateLocks(acquire: ["server-key": 5])
        #expect(throws: StateError.self) { try engine.update(StateChange(updates: ["server-key": 1]), token: AccessToken("")) }
        #expect(throws: StateError.self) { try engine.update(StateChange(updates: ["server-key": 1]), token: AccessToken.unique()) }
        try engine.update(StateChange(updates: ["server-key": 1]))
    }
}
