import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import ServiceLifecycle
import Testing

/// The session as what adapters serve, and the client API that cannot be
/// misused.
@Suite("Serving a session; client subscriptions and locks")
struct SessionServingTests {
    @Test("two servers over one session share its state and commands; closing one leaves the session serving")
    func twoServersOneSession() async throws {
        let session = NanoverSession()
        try session.commands.register("ping") { _ in ["pong": true] }
        let first = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0, configuration: testConfiguration())
        let second = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0, configuration: testConfiguration())
        let writer = try NanoverClient(address: "127.0.0.1", port: first.port)
        let reader = try NanoverClient(address: "127.0.0.1", port: second.port)
        reader.subscribeAllStateUpdates(interval: .zero)
        #expect(try await writer.attemptUpdateState(StateChange(updates: ["shared": "yes"])))
        await waitUntil("the change made through one server reaches a client of the other") {
            reader.copyState()["shared"] == "yes"
        }
        #expect(try await reader.runCommand("ping") == ["pong": true])
        await writer.close()
        await first.close()
        #expect(!session.isClosed)
        try session.state.update(StateChange(updates: ["after": 1]))
        await waitUntil("the other server still streams") { reader.copyState()["after"] == 1 }
        await reader.close()
        await second.close()
        session.close()
    }

    @Test("subscribing twice keeps one stream, and a handle cancels it")
    func subscribeTwice() async throws {
        try await withClientServer { (client: NanoverClient, server: NanoverServer) async throws in
            let first = client.subscribeAllStateUpdates(interval: .zero)
            let second = client.subscribeAllStateUpdates(interval: .zero)
            #expect(first === second)
            await waitUntil("the subscription is open") { server.subscriptionCount == 1 && client.copyState() == initialState }
            #expect(server.subscriptionCount == 1)
            await first.cancel()
            #expect(!first.isActive)
            await waitUntil("the server sees the stream end") { server.subscriptionCount == 0 }
            let third = client.subscribeAllStateUpdates(interval: .zero)
            #expect(third !== first)
            await waitUntil("a new subscription opens") { server.subscriptionCount == 1 }
        }
    }

    @Test("a change stream made after subscribing begins with the mirror's content: nothing is missed")
    func changesAfterSubscribing() async throws {
        try await withClientServer { (client: NanoverClient, _: NanoverServer) async throws in
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the mirror holds the state") { client.copyState() == initialState }
            var changes = client.stateChanges().makeAsyncIterator()
            #expect(try await changes.next() == StateChange(updates: initialState))
            #expect(try await client.attemptUpdateState(StateChange(updates: ["later": 1])))
            #expect(try await changes.next() == StateChange(updates: ["later": 1]))
        }
    }

    @Test("a change stream nobody reads holds one merged change, not every change")
    func boundedChangeStream() async throws {
        try await withClientServer(initial: [:]) { (client: NanoverClient, server: NanoverServer) async throws in
            let changes = client.stateChanges()
            client.subscribeAllStateUpdates(interval: .zero)
            for index in 0..<200 {
                try server.updateState(StateChange(updates: ["counter": .int(Int64(index)), "k\(index % 3)": true]))
            }
            await waitUntil("the mirror has every change") { client.copyState()["counter"] == 199 }
            var iterator = changes.makeAsyncIterator()
            let merged = try #require(try await iterator.next())
            #expect(merged.updates["counter"] == 199)
            #expect(merged.updates.count == 4)
        }
    }

    @Test("locks take durations, and release is a value of its own")
    func lockChanges() async throws {
        try await withClientServer { (client: NanoverClient, server: NanoverServer) async throws in
            #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(30)), "test": .acquireIndefinitely]))
            #expect(server.state.heldLocks().count == 2)
            #expect(try await client.attemptUpdateLocks(["hello": .release]))
            #expect(server.state.lockOwner(of: "hello") == nil)
            #expect(server.state.lockOwner(of: "test") != nil)
            #expect(try await client.attemptUpdateLocks(acquire: ["hello": .milliseconds(1500)], release: ["test"]))
            #expect(server.state.lockOwner(of: "test") == nil)
        }
    }

    @Test("reading the state of our server writes nothing, even when it is empty")
    func fetchWithoutNudge() async throws {
        try await withClientServer(initial: [:]) { (reader: NanoverClient, server: NanoverServer) async throws in
            // The first read learns from the server's answer that it sends a
            // first message always; until that answer comes (a second, on a
            // very busy machine) a nudge could still be sent.
            #expect(try await reader.fetchState() == [:])
            let watcher = server.state.subscribe()
            #expect(try await reader.fetchState() == [:])
            try server.updateState(StateChange(updates: ["marker": true]))
            // Streams are ordered: a nudge, had there been one, comes first.
            let update = try #require(await watcher.next())
            #expect(update.change == StateChange(updates: ["marker": true]))
        }
    }

    @Test("calling a client's mirror from inside its withLockedState stops with a message instead of deadlocking")
    func reentrantMirror() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let client = try NanoverClient(address: "127.0.0.1", port: 1)
            client.withLockedState { _ in
                _ = client.copyState()
            }
        }
        // The stop names the misuse; a failure for another reason would not.
        #expect(result.map { String(decoding: $0.standardErrorContent, as: UTF8.self).contains("is not re-entrant") } == true)
    }

    @Test("a stored nil reaches gRPC clients as a removal of its key")
    func storedNilOverGRPC() async throws {
        try await withClientServer { (client: NanoverClient, server: NanoverServer) async throws in
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the mirror holds the state") { client.copyState() == initialState }
            try server.updateState(StateChange(updates: ["hello": nil]))
            await waitUntil("the key is gone from the mirror") { client.copyState()["hello"] == nil }
            #expect(server.copyState()["hello"] == .null)
        }
    }

    @Test("a change past the state's limits is RESOURCE_EXHAUSTED, and nothing changes")
    func limitOverGRPC() async throws {
        var configuration = testConfiguration()
        configuration.stateLimits = StateLimits(maxKeys: 2, maxBytes: 1_000_000)
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        #expect(try await client.attemptUpdateState(StateChange(updates: ["a": 1, "b": 2])))
        let error = await #expect(throws: RPCError.self) {
            try await client.attemptUpdateState(StateChange(updates: ["c": 3]))
        }
        #expect(error?.code == .resourceExhausted)
        #expect(server.copyState() == ["a": 1, "b": 2])
        await client.close()
        await server.close()
    }

    @Test("as a Service, a server serves until a graceful shutdown, then closes its streams")
    func serviceLifecycle() async throws {
        let server = try await startServer()
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        let changes = client.stateChanges()
        client.subscribeAllStateUpdates(interval: .zero)
        let group = ServiceGroup(services: [server], logger: .init(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(try await client.attemptUpdateState(StateChange(updates: ["served": true])))
            await waitUntil("the client sees the change") { client.copyState()["served"] == true }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // The subscription ended normally: the change stream finishes.
        for try await _ in changes {}
        #expect(server.session.isClosed)
        await client.close()
    }
}
