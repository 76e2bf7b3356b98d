import Foundation
import NanoverCore
import NanoverTesting
import NanoverTestSupport
import Testing

/// Randomized operations on the engine, checked against ``StateModel``.
/// Seeds are fixed so CI is reproducible; set NANOVER_MODEL_SEED to replay
/// or explore another one. Every failure names its seed.
@Suite("Model: engine")
struct EngineModelTests {
    static let seeds: [UInt64] = ProcessInfo.processInfo.environment["NANOVER_MODEL_SEED"].flatMap(UInt64.init).map { [$0] }
        ?? [1, 2, 3, 4, 5, 6]
    static let steps = 2_000

    /// A subscriber that keeps its own mirror from its messages.
    final class Subscriber: Sendable {
        let subscription: StateSubscription
        let mirror = Box<NanoverStruct>([:])
        private let reading: Task<Void, Never>

        init(_ subscription: StateSubscription) {
            self.subscription = subscription
            let mirror = self.mirror
            reading = Task {
                for await update in subscription {
                    mirror.mutate { update.change.apply(to: &$0) }
                }
            }
        }

        func leave() async {
            subscription.cancel()
            await reading.value
        }
    }

    @Test("sequential operations from several tokens follow the model exactly", arguments: seeds)
    func sequential(seed: UInt64) async throws {
        var operations = RandomOperations(seed: seed)
        var model = StateModel()
        let clock = ManualClock()
        let engine = StateEngine(clock: clock)
        var now = 0.0
        var subscribers: [Subscriber] = []
        let intervals: [Double] = [0, 0.1, 0.5, 1, 2]

        for step in 0..<Self.steps {
            let token = operations.token()
            let roll = Int.random(in: 0..<100, using: &operations.generator)
            let context = Comment(rawValue: "seed \(seed), step \(step)")
            switch roll {
            case 0..<40:
                let change = operations.change()
                let applied = (try? engine.update(change, token: AccessToken(token))) != nil
                let expected = model.update(change, token: token, at: now)
                #expect(applied == expected, context)
            case 40..<45:
                let change = operations.change()
                let applied = (try? engine.update(change)) != nil
                let expected = model.update(change, token: "<no token>", at: now)
                #expect(applied == expected, context)
            case 45..<65:
                let acquire = operations.locksToAcquire()
                let release = operations.chance(30) ? operations.someKeys(max: 2).subtracting(acquire.keys) : []
                let granted = (try? engine.updateLocks(token: AccessToken(token), acquire: acquire, release: release)) != nil
                let expected = model.updateLocks(acquire: acquire, release: release, token: token, at: now)
                #expect(granted == expected, context)
            case 65..<75:
                let release = operations.someKeys(max: 3)
                try engine.updateLocks(token: AccessToken(token), release: release)
                let expected = model.updateLocks(acquire: [:], release: release, token: token, at: now)
                #expect(expected, context)
            case 75..<87:
                let milliseconds = Int.random(in: 0...1500, using: &operations.generator)
                clock.advance(by: .milliseconds(milliseconds))
                now += Double(milliseconds) / 1000
            case 87..<89:
                engine.clearLocks()
                model.clearLocks()
            case 89..<95 where subscribers.count < 8:
                let interval = intervals.randomElement(using: &operations.generator)!
                subscribers.append(Subscriber(engine.subscribe(interval: .seconds(interval))))
            case 95..<100 where !subscribers.isEmpty:
                await subscribers.remove(at: Int.random(in: 0..<subscribers.count, using: &operations.generator)).leave()
            default:
                break
            }
            #expect(engine.copyState() == model.state, context)
            let holders = engine.heldLocks().mapValues { $0.clientToken ?? "<no token>" }
            #expect(holders == model.holders(at: now), context)
        }

        // Quiescence: every live subscriber's mirror comes to equal the state.
        let finalState = engine.copyState()
        let deadline = ContinuousClock.now + .seconds(30)
        while subscribers.contains(where: { $0.mirror.value != finalState }), ContinuousClock.now < deadline {
            clock.advance(by: .seconds(2))
            try await Task.sleep(for: .milliseconds(2))
        }
        for (index, subscriber) in subscribers.enumerated() {
            #expect(subscriber.mirror.value == finalState, "seed \(seed): subscriber \(index) differs after quiescence")
        }
        for subscriber in subscribers {
            await subscriber.leave()
        }
        #expect(engine.subscriptionCount == 0)
    }

    @Test("concurrent tokens: locks exclude, changes land whole, subscribers converge", arguments: seeds)
    func concurrent(seed: UInt64) async throws {
        let engine = StateEngine(clock: ManualClock())
        let log = Box<[StateChange]>([])
        engine.addObserver { _, change in log.mutate { $0.append(change) } }
        let subscribers = (0..<4).map { index in Subscriber(engine.subscribe(interval: .zero)) }
        let tokens = RandomOperations.tokens

        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask {
                    var operations = RandomOperations(seed: seed &* 31 &+ UInt64(index))
                    var accepted = 0
                    for round in 0..<400 {
                        let key = RandomOperations.keys.randomElement(using: &operations.generator)!
                        if operations.chance(50),
                           (try? engine.updateLocks(token: AccessToken(token), acquire: [key: 1_000])) != nil {
                            // Holding the lock, this token alone may change the key.
                            let mine: NanoverValue = .string("\(token):\(round)")
                            try engine.update(StateChange(updates: [key: mine]), token: AccessToken(token))
                            accepted += 1
                            await Task.yield()
                            #expect(engine.value(forKey: key) == mine, "seed \(seed): \(key) changed under \(token)'s lock")
                            try engine.updateLocks(token: AccessToken(token), release: [key])
                        } else if (try? engine.update(operations.change(), token: AccessToken(token))) != nil {
                            accepted += 1
                        }
                        await Task.yield()
                    }
                    return accepted
                }
            }
            return try await group.reduce(0, +)
        }

        // Each accepted change was applied once and whole: replaying the
        // engine's own log of them rebuilds the state.
        #expect(log.value.count == accepted, "seed \(seed)")
        var replayed: NanoverStruct = [:]
        for change in log.value {
            change.apply(to: &replayed)
        }
        let finalState = engine.copyState()
        #expect(replayed == finalState, "seed \(seed)")
        await waitUntil("every subscriber converges (seed \(seed))") {
            subscribers.allSatisfy { $0.mirror.value == finalState }
        }
        for subscriber in subscribers {
            await subscriber.leave()
        }
    }
}
