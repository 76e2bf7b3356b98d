import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

/// Many open streams must not starve calls: the reference gives each
/// stream one of 128 worker threads and stalls at about a hundred.
@Suite("Load")
struct LoadTests {
    @Test("1,000 subscriptions over 5 connections: calls still answer and every stream sees every update")
    func thousandSubscriptions() async throws {
        try await withClientServer(initial: ["start": 0]) { client, server async throws in
            let connections = try (0..<5).map { _ in try NanoverConnection.insecure(address: "127.0.0.1", port: server.port) }
            let subscribers = (0..<1_000).map { NanoverClient(connection: connections[$0 % connections.count]) }
            for subscriber in subscribers {
                subscriber.subscribeAllStateUpdates(interval: .zero)
            }
            // Unary calls go on while the streams open and stay open.
            var updates: NanoverStruct = [:]
            for index in 0..<100 {
                #expect(try await client.attemptUpdateState(StateChange(updates: ["call.\(index)": .double(Double(index))])))
                #expect(try await client.attemptUpdateLocks(["lock.\(index)": .acquire(.seconds(5))]))
                updates["call.\(index)"] = .double(Double(index))
            }
            #expect(try await client.updateAvailableCommands().count == 0)
            await waitUntil("every subscription is open") { server.state.subscriptionCount == 1_000 }
            for index in 0..<5 {
                #expect(try await client.attemptUpdateState(StateChange(updates: ["late.\(index)": true])))
                updates["late.\(index)"] = true
            }
            let expected = updates.merging(["start": 0]) { $1 }
            #expect(server.copyState() == expected)
            await waitUntil("every subscriber's mirror has every update") {
                subscribers.allSatisfy { $0.copyState() == expected }
            }
            for subscriber in subscribers {
                await subscriber.close()
            }
            for connection in connections {
                await connection.close()
            }
        }
    }
}
