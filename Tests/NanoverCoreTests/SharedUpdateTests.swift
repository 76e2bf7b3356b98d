import NanoverCore
import NanoverTesting
import NanoverTestSupport
import SeededRandom
import Synchronization
import Testing

/// Counts whole-message encodings, to check that subscribers in step share
/// one message.
private enum CountingMessageEncoding: SubscriptionUpdateEncoding {
    static let count = Mutex(0)

    static func encode(_ update: SubscriptionUpdate) -> [String] {
        count.withLock { $0 += 1 }
        return update.keys.sorted()
    }
}

@Suite("Subscriptions: shared messages")
struct SharedUpdateTests {
    @Test("subscribers in step are handed one message, encoded once per protocol however many they are")
    func sharedWhenInStep() async throws {
        let engine = StateEngine()
        let subscriptions = (0..<20).map { _ in engine.subscribe() }
        try engine.update(StateChange(updates: ["a": 1]))
        // The whole state goes to each on its own.
        for subscription in subscriptions {
            #expect(try #require(await subscription.next()).change == StateChange(updates: ["a": 1]))
        }
        for round in 0..<3 {
            try engine.update(StateChange(updates: ["b": .int(Int64(round))], removals: ["a"]))
            let before = CountingMessageEncoding.count.withLock { $0 }
            for subscription in subscriptions {
                let update = try #require(await subscription.next())
                #expect(update.change == StateChange(updates: ["b": .int(Int64(round))], removals: ["a"]))
                #expect(update.encoded(as: CountingMessageEncoding.self) == ["a", "b"])
            }
            #expect(CountingMessageEncoding.count.withLock { $0 } - before == 1, "round \(round)")
        }
    }

    @Test("subscribers that fell behind are sent what they lack, shared by those behind alike, then take the shared messages again")
    func rejoins() async throws {
        // A clock that stands still: every batch stays fresh.
        let engine = StateEngine(clock: ManualClock())
        let ahead = engine.subscribe()
        let behind = [engine.subscribe(), engine.subscribe()]
        try engine.update(StateChange(updates: ["a": 1]))
        for subscription in [ahead] + behind { _ = await subscription.next() }
        // `ahead` takes two messages while the others read none.
        try engine.update(StateChange(updates: ["a": 2, "b": 1]))
        #expect(try #require(await ahead.next()).change == StateChange(updates: ["a": 2, "b": 1]))
        try engine.update(StateChange(updates: ["c": 1]))
        #expect(try #require(await ahead.next()).change == StateChange(updates: ["c": 1]))
        try engine.update(StateChange(updates: ["a": 3]))
        // What they lack up to the latest shared message, and not the change
        // made since: that comes in the next one, shared again.
        var before = CountingMessageEncoding.count.withLock { $0 }
        for subscription in behind {
            let update = try #require(await subscription.next())
            #expect(update.change == StateChange(updates: ["b": 1, "c": 1]))
            _ = update.encoded(as: CountingMessageEncoding.self)
        }
        #expect(CountingMessageEncoding.count.withLock { $0 } - before == 1)
        before = CountingMessageEncoding.count.withLock { $0 }
        for subscription in behind + [ahead] {
            let update = try #require(await subscription.next())
            #expect(update.change == StateChange(updates: ["a": 3]))
            _ = update.encoded(as: CountingMessageEncoding.self)
        }
        #expect(CountingMessageEncoding.count.withLock { $0 } - before == 1)
    }

    @Test("a subscriber due within a few ms of a batch takes it; one due later is sent the values as they are now")
    func freshness() async throws {
        let clock = ManualClock()
        let engine = StateEngine(clock: clock)
        let first = engine.subscribe(interval: .seconds(1))
        let second = engine.subscribe(interval: .seconds(1))
        let third = engine.subscribe(interval: .seconds(1))
        try engine.update(StateChange(updates: ["a": 0]))
        for subscription in [first, second, third] { _ = await subscription.next() }
        clock.advance(by: .seconds(2))
        try engine.update(StateChange(updates: ["a": 1]))
        #expect(try #require(await first.next()).change == StateChange(updates: ["a": 1]))
        try engine.update(StateChange(updates: ["a": 2]))
        // 4 ms later: the batch is shared, values 4 ms old.
        clock.advance(by: .milliseconds(4))
        #expect(try #require(await second.next()).change == StateChange(updates: ["a": 1]))
        // 50 ms later: too old to hand on; the values as they are now.
        clock.advance(by: .milliseconds(46))
        #expect(try #require(await third.next()).change == StateChange(updates: ["a": 2]))
    }

    @Test("subscribers of different intervals each share with their own interval only")
    func perInterval() async throws {
        let clock = ManualClock()
        let engine = StateEngine(clock: clock)
        let fast = [engine.subscribe(interval: .zero), engine.subscribe(interval: .zero)]
        let slow = [engine.subscribe(interval: .seconds(1)), engine.subscribe(interval: .seconds(1))]
        try engine.update(StateChange(updates: ["a": 1]))
        for subscription in fast + slow { _ = await subscription.next() }
        clock.advance(by: .seconds(2))
        try engine.update(StateChange(updates: ["a": 2]))
        let updates = await [fast[0].next(), fast[1].next(), slow[0].next(), slow[1].next()].compactMap { $0 }
        #expect(updates.map(\.change) == Array(repeating: StateChange(updates: ["a": 2]), count: 4))
        let before = CountingMessageEncoding.count.withLock { $0 }
        for update in updates { _ = update.encoded(as: CountingMessageEncoding.self) }
        #expect(CountingMessageEncoding.count.withLock { $0 } - before == 2)
    }

    /// One subscriber's view, checked as it reads: every value it is sent
    /// for a key is one the key took later than the last it was sent.
    private struct Reader {
        let subscription: StateSubscription
        var mirror: NanoverStruct = [:]
        /// Per key, the position in the key's history of the last value sent.
        var position: [String: Int] = [:]
    }

    @Test("reading at random, every subscriber is sent each key's values in order, never an older one, and ends with the state", arguments: [1, 2, 3, 4] as [UInt64])
    func randomReads(seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        let engine = StateEngine()
        var readers = (0..<5).map { _ in Reader(subscription: engine.subscribe()) }
        // Every value each key took, in order; nil for a removal.
        var history: [String: [NanoverValue?]] = [:]
        let keys = ["a", "b", "c", "d", "e", "f"]
        for step in 0..<3_000 {
            if Int.random(in: 0..<3, using: &random) == 0 {
                var change = StateChange()
                for key in keys.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)) {
                    if Int.random(in: 0..<4, using: &random) == 0 {
                        change.remove(key)
                    } else {
                        change.set(key, to: .int(Int64(step)))
                    }
                }
                try engine.update(change)
                for (key, value) in change.updates { history[key, default: []].append(value) }
                for key in change.removals where change.updates[key] == nil { history[key, default: []].append(nil) }
            } else {
                let index = Int.random(in: 0..<readers.count, using: &random)
                guard readers[index].subscription.pendingKeyCount > 0 else { continue }
                let update = try #require(await readers[index].subscription.next())
                try Self.check(update, by: &readers[index], against: history, seed: seed)
            }
        }
        let finalState = engine.copyState()
        for index in readers.indices {
            while readers[index].subscription.pendingKeyCount > 0 {
                let update = try #require(await readers[index].subscription.next())
                try Self.check(update, by: &readers[index], against: history, seed: seed)
            }
            #expect(readers[index].mirror == finalState, "seed \(seed): reader \(index)")
        }
    }

    private static func check(
        _ update: SubscriptionUpdate, by reader: inout Reader, against history: [String: [NanoverValue?]], seed: UInt64
    ) throws {
        for entry in update.entries {
            let past = history[entry.key] ?? []
            let after = reader.position[entry.key].map { $0 + 1 } ?? 0
            let found = try #require(
                past[after...].firstIndex { $0 == entry.value },
                "seed \(seed): \(entry.key) was sent \(String(describing: entry.value)), not a value it took after the last one sent")
            reader.position[entry.key] = found
        }
        update.change.apply(to: &reader.mirror)
    }
}
