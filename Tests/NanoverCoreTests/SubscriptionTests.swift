import NanoverCore
import NanoverTesting
import NanoverTestSupport
import Testing

/// Per-subscriber change views: coalescing and freezing. Ported in spirit
/// from the reference's `tests/utilities/test_change_buffers.py`, plus the
/// contract's coalescing cases.
@Suite("Subscriptions: coalescing and closing")
struct SubscriptionTests {
    let engine = StateEngine(clock: ManualClock())

    /// A subscription whose first (whole-state) message has been taken.
    private func subscribedAfterFirst(_ engine: StateEngine) async -> StateSubscription {
        let subscription = engine.subscribe()
        if !engine.copyState().isEmpty {
            _ = await subscription.next()
        }
        return subscription
    }

    @Test("a message carries the change since the previous one")
    func reflectsChanges() async throws {
        let subscription = engine.subscribe()
        try engine.update(StateChange(updates: ["hello": "test"]))
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(updates: ["hello": "test"]))
    }

    @Test("a key set then removed is sent as a removal only")
    func setThenRemove() async throws {
        let subscription = engine.subscribe()
        try engine.update(StateChange(updates: ["hello": "test"]))
        try engine.update(StateChange(removals: ["hello"]))
        let update = try #require(await subscription.next())
        #expect(update.change.updates.isEmpty)
        #expect(update.change.removals == ["hello"])
    }

    @Test("a key removed then set again is sent as an update")
    func removeThenSet() async throws {
        try engine.update(StateChange(updates: ["hello": "old"]))
        let subscription = await subscribedAfterFirst(engine)
        try engine.update(StateChange(removals: ["hello"]))
        try engine.update(StateChange(updates: ["hello": "new"]))
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(updates: ["hello": "new"]))
    }

    @Test("many sets of one key send its latest value once")
    func manySets() async throws {
        let subscription = engine.subscribe()
        for value in 0..<1_000 {
            try engine.update(StateChange(updates: ["counter": .double(Double(value))]))
        }
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(updates: ["counter": 999]))
    }

    @Test("changes to different keys merge into one message")
    func mergesKeys() async throws {
        let subscription = engine.subscribe()
        try engine.update(StateChange(updates: ["hello": "test"]))
        try engine.update(StateChange(updates: ["foo": "bar"]))
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(updates: ["hello": "test", "foo": "bar"]))
    }

    @Test("removals merge into one message")
    func mergesRemovals() async throws {
        try engine.update(StateChange(updates: ["hello": "test", "foo": "bar"]))
        let subscription = await subscribedAfterFirst(engine)
        try engine.update(StateChange(removals: ["hello"]))
        try engine.update(StateChange(removals: ["foo"]))
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(removals: ["hello", "foo"]))
    }

    @Test("taking a message empties the buffer")
    func flushEmpties() async throws {
        let subscription = engine.subscribe()
        try engine.update(StateChange(updates: ["hello": "test"], removals: ["gone"]))
        #expect(subscription.pendingKeyCount == 2)
        _ = await subscription.next()
        #expect(subscription.pendingKeyCount == 0)
    }

    @Test("a removal of a key that never existed is still sent")
    func removalOfMissingKey() async throws {
        let subscription = engine.subscribe()
        try engine.update(StateChange(removals: ["never"]))
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(removals: ["never"]))
    }

    @Test("the first message is the whole state")
    func wholeStateFirst() async throws {
        try engine.update(StateChange(updates: ["a": 1, "b": ["c": 2]]))
        try engine.update(StateChange(removals: ["a"]))
        let update = try #require(await engine.subscribe().next())
        #expect(update.change == StateChange(updates: ["b": ["c": 2]]))
    }

    @Test("a change of 1,000 keys arrives in one message")
    func bigChangeIsWhole() async throws {
        let subscription = engine.subscribe()
        var updates: NanoverStruct = [:]
        for index in 0..<1_000 {
            updates["k\(index)"] = .double(Double(index))
        }
        try engine.update(StateChange(updates: updates))
        let update = try #require(await subscription.next())
        #expect(update.count == 1_000)
    }

    @Test("after close no change lands, and pending changes are still delivered")
    func closeFlushesPending() async throws {
        let subscription = engine.subscribe()
        try engine.update(StateChange(updates: ["hello": "test"]))
        engine.close()
        #expect(throws: StateError.closed) { try engine.update(StateChange(updates: ["foo": "bar"])) }
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(updates: ["hello": "test"]))
        #expect(await subscription.next() == nil)
    }

    @Test("a closed, empty subscription ends at once")
    func closedEmptyEnds() async {
        let subscription = engine.subscribe()
        engine.close()
        #expect(await subscription.next() == nil)
    }

    @Test("subscribing after close gives the final values, no removals, then ends")
    func subscribeAfterClose() async throws {
        try engine.update(StateChange(updates: ["hello": "test", "foo": "bar"]))
        try engine.update(StateChange(removals: ["foo"]))
        engine.close()
        let subscription = engine.subscribe()
        let update = try #require(await subscription.next())
        #expect(update.change == StateChange(updates: ["hello": "test"]))
        #expect(await subscription.next() == nil)
    }

    @Test("closing ends a subscription that is waiting for changes")
    func closeWakesWaiter() async throws {
        let subscription = await subscribedAfterFirst(engine)
        let ended = Box(false)
        let waiter = Task {
            let next = await subscription.next()
            ended.value = next == nil
        }
        engine.close()
        await waiter.value
        #expect(ended.value)
    }

    @Test("cancelling the reading task ends the subscription")
    func taskCancellation() async {
        let subscription = engine.subscribe()
        let waiter = Task { await subscription.next() }
        waiter.cancel()
        #expect(await waiter.value == nil)
    }

    @Test("subscriptions are counted while open and forgotten when cancelled or dropped")
    func counting() async {
        let first = engine.subscribe()
        var second: StateSubscription? = engine.subscribe()
        #expect(engine.subscriptionCount == 2)
        first.cancel()
        #expect(engine.subscriptionCount == 1)
        _ = second
        second = nil
        #expect(engine.subscriptionCount == 0)
    }

    @Test("a subscriber that never reads holds one entry per key, not one per change")
    func slowSubscriberIsBounded() throws {
        let subscription = engine.subscribe()
        for round in 0..<100 {
            for key in 0..<10 {
                try engine.update(StateChange(updates: ["k\(key)": .double(Double(round))]))
            }
        }
        #expect(subscription.pendingKeyCount == 10)
    }
}
