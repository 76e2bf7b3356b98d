import NanoverCore
import NanoverTesting
import NanoverTestSupport
import Synchronization
import Testing

/// Misuses that used to hang or deadlock, and the limits that keep a
/// session's memory bounded.
@Suite("Engine: concurrent readers, re-entrance, limits, stored nil")
struct SharpEdgeTests {
    @Test("two tasks reading one subscription at once each get messages, and neither hangs")
    func concurrentReaders() async throws {
        let engine = StateEngine()
        let subscription = engine.subscribe()
        let received = Box<[String]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    while let update = await subscription.next() {
                        received.mutate { $0.append(contentsOf: update.keys) }
                    }
                }
            }
            // Both readers are waiting; each change wakes them, one delivers.
            for index in 0..<50 {
                try engine.update(StateChange(updates: ["k\(index)": .int(Int64(index))]))
                await waitUntil("change \(index) is delivered") { received.value.contains("k\(index)") }
            }
            subscription.finish()
            try await group.waitForAll()
        }
        #expect(Set(received.value) == Set((0..<50).map { "k\($0)" }))
    }

    @Test("observers run outside the lock: they may call the engine, and still see changes in order")
    func reentrantObserver() throws {
        let engine = StateEngine()
        let seen = Box<[String]>([])
        engine.addObserver { _, change in
            let keys = change.keys.sorted()
            seen.mutate { $0.append(contentsOf: keys) }
            // Calling back used to deadlock; a follow-up change is queued
            // behind this one.
            if keys == ["first"] {
                try? engine.update(StateChange(updates: ["second": .int(Int64(engine.keyCount))]))
            }
        }
        try engine.update(StateChange(updates: ["first": 1]))
        #expect(seen.value == ["first", "second"])
        #expect(engine.value(forKey: "second") == 1)
    }

    @Test("calling the engine from inside withLockedState stops with a message instead of deadlocking")
    func reentrantLockedState() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let engine = StateEngine()
            engine.withLockedState { _ in
                _ = engine.copyState()
            }
        }
        // The stop names the misuse; a failure for another reason would not.
        #expect(result.map { String(decoding: $0.standardErrorContent, as: UTF8.self).contains("is not re-entrant") } == true)
    }

    @Test("a change past the key limit is refused whole; shrinking is always allowed")
    func keyLimit() throws {
        let engine = StateEngine(limits: StateLimits(maxKeys: 3, maxBytes: 1_000_000))
        try engine.update(StateChange(updates: ["a": 1, "b": 2, "c": 3]))
        #expect(throws: StateError.overLimit(.keys(limit: 3))) {
            try engine.update(StateChange(updates: ["d": 4, "a": 10]))
        }
        #expect(engine.copyState() == ["a": 1, "b": 2, "c": 3])
        try engine.update(StateChange(updates: ["a": 10, "d": 4], removals: ["b"]))
        #expect(engine.keyCount == 3)
    }

    @Test("a change past the byte limit is refused whole; replacing a value counts only the difference")
    func byteLimit() throws {
        let engine = StateEngine(limits: StateLimits(maxKeys: 100, maxBytes: 1_000))
        let big = NanoverValue.string(String(repeating: "x", count: 600))
        try engine.update(StateChange(updates: ["big": big]))
        let bytes = engine.byteCount
        #expect(throws: StateError.overLimit(.bytes(limit: 1_000))) {
            try engine.update(StateChange(updates: ["other": big]))
        }
        #expect(engine.byteCount == bytes)
        try engine.update(StateChange(updates: ["big": .string(String(repeating: "y", count: 600))]))
        #expect(engine.byteCount == bytes)
        try engine.update(StateChange(removals: ["big"]))
        #expect(engine.byteCount == 0)
        try engine.update(StateChange(updates: ["other": big]))
    }

    @Test("nil is a stored value, distinct from a removal")
    func storedNil() async throws {
        let engine = StateEngine()
        let subscription = engine.subscribe()
        try engine.update(StateChange(updates: ["n": nil]))
        #expect(engine.copyState() == ["n": nil])
        let update = try #require(await subscription.next())
        #expect(update.entries.map(\.value) == [.some(.null)])
        try engine.update(StateChange(removals: ["n"]))
        let removal = try #require(await subscription.next())
        #expect(removal.entries.map(\.value) == [.none])
        #expect(engine.copyState().isEmpty)
    }

    @Test("a session holds one state and one registry, and closing it ends its subscriptions")
    func session() async throws {
        let session = NanoverSession()
        try session.commands.register("echo") { $0 }
        try session.state.update(StateChange(updates: ["x": 1]))
        let subscription = session.state.subscribe()
        #expect(await subscription.next()?.change == StateChange(updates: ["x": 1]))
        session.close()
        #expect(await subscription.next() == nil)
        #expect(session.isClosed)
        #expect(try await session.commands.run("echo", arguments: ["a": 1]) == ["a": 1])
    }
}
