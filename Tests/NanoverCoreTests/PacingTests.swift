import NanoverCore
import NanoverTesting
import NanoverTestSupport
import Testing

/// Minimum spacing between two messages to one subscriber, with the clock
/// moved by hand: deterministic on any machine.
@Suite("Subscriptions: pacing")
struct PacingTests {
    let clock = ManualClock()
    let engine: StateEngine

    init() {
        engine = StateEngine(clock: clock)
    }

    /// Starts reading the next message in the background.
    private func nextInBackground(_ subscription: StateSubscription) -> (Task<SubscriptionUpdate?, Never>, Box<Bool>) {
        let done = Box(false)
        let task = Task {
            let update = await subscription.next()
            done.value = true
            return update
        }
        return (task, done)
    }

    @Test("the whole state goes out at once, whatever the interval", arguments: [0.1, 1.0 / 30, 10])
    func firstMessageImmediately(interval: Double) async throws {
        try engine.update(StateChange(updates: ["hello": 100]))
        let update = try #require(await engine.subscribe(interval: .seconds(interval)).next())
        #expect(update.change == StateChange(updates: ["hello": 100]))
        #expect(clock.now == .zero)
    }

    @Test("the first change to an empty state goes out at once")
    func firstChangeOfEmptyState() async throws {
        let subscription = engine.subscribe(interval: .seconds(1))
        let (task, _) = nextInBackground(subscription)
        try engine.update(StateChange(updates: ["a": 1]))
        #expect(await task.value?.change == StateChange(updates: ["a": 1]))
        #expect(clock.now == .zero)
    }

    @Test("the next message waits a full interval after the previous one")
    func minimumSpacing() async throws {
        try engine.update(StateChange(updates: ["a": 0]))
        let subscription = engine.subscribe(interval: .seconds(1))
        _ = await subscription.next()
        try engine.update(StateChange(updates: ["a": 1]))
        let (task, done) = nextInBackground(subscription)
        await waitUntil("the subscriber sleeps out its interval") { clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(999))
        #expect(clock.sleeperCount == 1)
        #expect(!done.value)
        try engine.update(StateChange(updates: ["a": 2]))
        clock.advance(by: .milliseconds(1))
        let update = await task.value
        #expect(update?.change == StateChange(updates: ["a": 2]))
    }

    @Test("after a quiet spell a change goes out at once, and the one after waits a full interval")
    func noBurstAfterQuietSpell() async throws {
        try engine.update(StateChange(updates: ["a": 0]))
        let subscription = engine.subscribe(interval: .seconds(1))
        _ = await subscription.next()
        clock.advance(by: .seconds(10))

        try engine.update(StateChange(updates: ["a": 1]))
        let immediate = await subscription.next()
        #expect(immediate?.change == StateChange(updates: ["a": 1]))
        #expect(clock.sleeperCount == 0)

        try engine.update(StateChange(updates: ["a": 2]))
        let (task, done) = nextInBackground(subscription)
        await waitUntil("the subscriber sleeps out its interval") { clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(500))
        #expect(!done.value)
        clock.advance(by: .milliseconds(500))
        #expect(await task.value?.change == StateChange(updates: ["a": 2]))
    }

    @Test("no message goes out when nothing changed, however long the wait")
    func nothingChangedNothingSent() async throws {
        try engine.update(StateChange(updates: ["a": 0]))
        let subscription = engine.subscribe(interval: .seconds(1))
        _ = await subscription.next()
        let (task, _) = nextInBackground(subscription)
        clock.advance(by: .seconds(100))
        // Had anything gone out meanwhile (an empty message, say), it would
        // be what the reader got, not this change.
        try engine.update(StateChange(updates: ["b": 1]))
        #expect(await task.value?.change == StateChange(updates: ["b": 1]))
        #expect(clock.sleeperCount == 0)
    }

    @Test("closing delivers pending changes at once, without waiting out the interval")
    func closeDuringInterval() async throws {
        try engine.update(StateChange(updates: ["a": 0]))
        let subscription = engine.subscribe(interval: .seconds(1000))
        _ = await subscription.next()
        try engine.update(StateChange(updates: ["a": 1]))
        let (task, _) = nextInBackground(subscription)
        await waitUntil("the subscriber sleeps out its interval") { clock.sleeperCount == 1 }
        engine.close()
        #expect(await task.value?.change == StateChange(updates: ["a": 1]))
        #expect(await subscription.next() == nil)
        #expect(clock.now == .zero)
    }

    @Test("interval zero sends as soon as possible")
    func zeroInterval() async throws {
        let subscription = engine.subscribe(interval: .zero)
        for value in 0..<5 {
            try engine.update(StateChange(updates: ["a": .double(Double(value))]))
            #expect(await subscription.next()?.change == StateChange(updates: ["a": .double(Double(value))]))
        }
        #expect(clock.sleeperCount == 0)
    }
}
