import Foundation
import NanoverCore
import NanoverTesting
import NanoverGRPC
import NanoverTestSupport
import Testing

/// The engine model test again, over loopback gRPC: every decision the
/// server sends back must be the model's, and every subscribing client's
/// mirror must end equal to the server's state.
@Suite("Model: over gRPC")
struct LoopbackModelTests {
    static let seeds: [UInt64] = ProcessInfo.processInfo.environment["NANOVER_MODEL_SEED"].flatMap(UInt64.init).map { [$0] }
        ?? [11, 12]
    static let steps = 600

    @Test("clients with several tokens follow the model; subscribers converge", arguments: seeds)
    func loopback(seed: UInt64) async throws {
        let clock = ManualClock()
        let server = try await startServer(clock: clock)
        var clients: [String: NanoverClient] = [:]
        for token in RandomOperations.tokens {
            var configuration = NanoverClient.Configuration()
            configuration.accessToken = token
            clients[token] = try NanoverClient(address: "127.0.0.1", port: server.port, configuration: configuration)
        }
        var operations = RandomOperations(seed: seed)
        var model = StateModel()
        var now = 0.0
        var subscribers: [NanoverClient] = []
        let intervals: [Double] = [0, 0.1, 1 / 30, 0.5, 1]

        for step in 0..<Self.steps {
            let token = operations.token()
            let client = clients[token]!
            let context = Comment(rawValue: "seed \(seed), step \(step)")
            switch Int.random(in: 0..<100, using: &operations.generator) {
            case 0..<45:
                let change = operations.change()
                let applied = try await client.attemptUpdateState(change)
                let expected = model.update(change, token: token, at: now)
                #expect(applied == expected, context)
            case 45..<70:
                let acquire = operations.locksToAcquire()
                let release = operations.chance(30) ? operations.someKeys(max: 2).subtracting(acquire.keys) : []
                let granted = try await client.attemptUpdateLocks(acquire: acquire.mapValues { .seconds($0) }, release: release)
                let expected = model.updateLocks(acquire: acquire, release: release, token: token, at: now)
                #expect(granted == expected, context)
            case 70..<85:
                let milliseconds = Int.random(in: 0...1500, using: &operations.generator)
                clock.advance(by: .milliseconds(milliseconds))
                now += Double(milliseconds) / 1000
            case 85..<93 where subscribers.count < 5:
                let subscriber = try NanoverClient(address: "127.0.0.1", port: server.port)
                subscriber.subscribeAllStateUpdates(interval: .seconds(intervals.randomElement(using: &operations.generator)!))
                subscribers.append(subscriber)
            case 93..<100 where !subscribers.isEmpty:
                await subscribers.remove(at: Int.random(in: 0..<subscribers.count, using: &operations.generator)).close()
            default:
                break
            }
            #expect(server.copyState() == model.state, context)
        }

        let finalState = server.copyState()
        let deadline = ContinuousClock.now + .seconds(30)
        while subscribers.contains(where: { $0.copyState() != finalState }), ContinuousClock.now < deadline {
            clock.advance(by: .seconds(2))
            try await Task.sleep(for: .milliseconds(5))
        }
        for (index, subscriber) in subscribers.enumerated() {
            #expect(subscriber.copyState() == finalState, "seed \(seed): subscriber \(index) differs after quiescence")
            await subscriber.close()
        }
        for client in clients.values {
            await client.close()
        }
        await waitUntil("the server forgets every subscription") { server.state.subscriptionCount == 0 }
        await server.close()
    }
}
