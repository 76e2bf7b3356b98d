import GRPCCore
import GRPCProtobuf
import NanoverCore
import NanoverTesting
import NanoverGRPC
import NanoverProtocol
import NanoverTestSupport
import Testing

/// Clients that leave, stall or hold locks when they vanish: the server
/// keeps serving everyone else and loses nothing.
@Suite("Faults")
struct FaultTests {
    @Test("a client leaving mid-stream drops its subscription on the server")
    func clientLeavesMidStream() async throws {
        try await withClientServer(clock: ManualClock()) { client, server async throws in
            // A long interval: the server's side sleeps, so only the client
            // leaving can end it.
            client.subscribeAllStateUpdates(interval: .seconds(100))
            let other = try NanoverClient(address: "127.0.0.1", port: server.port)
            other.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("both subscriptions are open") { server.state.subscriptionCount == 2 }
            await waitUntil("the first client has the state") { client.copyState() == initialState }
            try server.updateState(StateChange(updates: ["pending": 1]))
            await client.close()
            await waitUntil("the server drops the subscription") { server.state.subscriptionCount == 1 }
            await other.close()
            await waitUntil("the server drops the other") { server.state.subscriptionCount == 0 }
        }
    }

    @Test("a client that vanishes holding locks keeps them until they lapse, then others get the keys")
    func vanishedLockHolder() async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server async throws in
            let holder = try NanoverClient(address: "127.0.0.1", port: server.port)
            #expect(try await holder.attemptUpdateLocks(["hello": .acquire(.seconds(3)), "test": .acquire(.seconds(3))]))
            // Gone without a word: its connection is simply closed.
            await holder.connection.close()
            #expect(try await !client.attemptUpdateState(StateChange(updates: ["hello": 1])))
            clock.advance(by: .seconds(3))
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": 1], removals: ["test"])))
            #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(1))]))
            await holder.close()
        }
    }

    @Test("closing the server with 100 open subscriptions ends every one normally")
    func closeWithManySubscriptions() async throws {
        let server = try await startServer()
        try server.updateState(StateChange(updates: ["a": 1]))
        let connections = try (0..<4).map { _ in try NanoverConnection.insecure(address: "127.0.0.1", port: server.port) }
        let clients = (0..<100).map { NanoverClient(connection: connections[$0 % 4]) }
        let streams = clients.map { $0.stateChanges() }
        for client in clients {
            client.subscribeAllStateUpdates(interval: .seconds(Double.random(in: 0...2)))
        }
        await waitUntil("every subscription is open") { server.state.subscriptionCount == 100 }
        try server.updateState(StateChange(updates: ["last": true]))
        await server.close()
        for stream in streams {
            // Each ends normally (no error thrown), and only after the final
            // update, which even a subscriber whose interval had not run out
            // when the server closed must have had flushed to it. "last"
            // comes on its own or together with the whole state, as timing
            // has it; either way the changes, applied in order, make exactly
            // the final state.
            var changes: [StateChange] = []
            for try await change in stream {
                changes.append(change)
            }
            var received: NanoverStruct = [:]
            for change in changes {
                change.apply(to: &received)
            }
            #expect(received == ["a": 1, "last": true])
            #expect(changes.last?.updates["last"] == true)
        }
        for client in clients {
            #expect(client.copyState() == ["a": 1, "last": true])
            await client.close()
        }
        for connection in connections {
            await connection.close()
        }
    }

    @Test("a subscriber that never reads holds one entry per key, and the others keep receiving")
    func stalledSubscriber() async throws {
        try await withClientServer(initial: [:]) { client, server async throws in
            // A raw subscription that never reads a byte of its answer.
            let stalled = try StalledHTTP2Client(
                port: server.port, path: "/nanover.protocol.state.State/SubscribeStateUpdates", message: [])
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("both subscriptions are open") { server.state.subscriptionCount == 2 }
            // Far more than HTTP/2's windows hold: 10 keys, 30 rounds of 16 KiB.
            let payload = NanoverValue.string(String(repeating: "x", count: 16 * 1024))
            for round in 0..<30 {
                var updates: NanoverStruct = [:]
                for key in 0..<10 {
                    updates["k\(key)"] = ["round": .double(Double(round)), "payload": payload]
                }
                #expect(try await client.attemptUpdateState(StateChange(updates: updates)))
                #expect(server.state.subscriptionBacklogs().allSatisfy { $0 <= 10 })
            }
            await waitUntil("the reading subscriber has the last round") {
                client.copyState()["k9"]?["round"] == 29
            }
            // The stalled one's changes wait, coalesced, in its buffer: one
            // entry per key, not one per change.
            await waitUntil("the stalled subscriber's buffer holds every key") {
                server.state.subscriptionBacklogs().max() == 10
            }
            withExtendedLifetime(stalled) {}
        }
    }

    @Test("a subscriber that never reads cannot hold up closing: after the grace period it is cut off")
    func stalledSubscriberDoesNotHoldUpClose() async throws {
        var configuration = testConfiguration()
        configuration.shutdownGracePeriod = .milliseconds(200)
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        let stalled = try StalledHTTP2Client(
            port: server.port, path: "/nanover.protocol.state.State/SubscribeStateUpdates", message: [])
        await waitUntil("the stalled subscription is open") { server.state.subscriptionCount == 1 }
        // More than the windows and the socket's buffers hold: the stream's
        // last message can never be written, so it cannot end by itself.
        let payload = NanoverValue.string(String(repeating: "x", count: 64 * 1024))
        for key in 0..<32 {
            try server.updateState(StateChange(updates: ["k\(key)": payload]))
        }
        await waitUntil("the stalled subscriber's buffer holds a change") {
            server.state.subscriptionBacklogs().max() ?? 0 > 0
        }
        // Were the cut-off lost, close would wait for ever.
        let watchdog = Watchdog(seconds: 120, what: "closing a server with a stalled subscriber hung past its grace period")
        await server.close()
        watchdog.disarm()
        #expect(server.state.subscriptionCount == 0)
        withExtendedLifetime(stalled) {}
    }
}
