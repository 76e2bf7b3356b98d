import Foundation
import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverProtocol
import NanoverTestSupport
import Testing

@Suite("Server lifecycle")
struct ServerLifecycleTests {
    @Test("port 0 lets the system choose, and the chosen port is readable")
    func portZero() async throws {
        let server = try await startServer()
        #expect(server.port > 0)
        let client = try NanoverClient(address: "localhost", port: server.port)
        #expect(try await client.updateAvailableCommands().isEmpty)
        await client.close()
        await server.close()
    }

    @Test("a port already taken is a clear error, never a shared port")
    func portInUse() async throws {
        let first = try await startServer()
        let error = await #expect(throws: NanoverServerError.self) {
            try await NanoverServer.start(address: "127.0.0.1", port: first.port)
        }
        if case .portInUse(_, let port) = error {
            #expect(port == first.port)
        } else {
            Issue.record("expected portInUse, got \(String(describing: error))")
        }
        #expect(error?.description.contains("already in use") == true)
        // The first server is unharmed.
        let client = try NanoverClient(address: "127.0.0.1", port: first.port)
        #expect(try await client.updateAvailableCommands().isEmpty)
        await client.close()
        await first.close()
    }

    @Test("closing the server delivers pending changes and ends client subscriptions normally")
    func closeEndsSubscriptions() async throws {
        let server = try await startServer()
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        let changes = client.stateChanges()
        client.subscribeAllStateUpdates(interval: .seconds(1000))
        try server.updateState(StateChange(updates: ["first": 1]))
        await waitUntil("the first change arrives") { client.copyState() == ["first": 1] }
        // Held back by the long interval until the server closes.
        try server.updateState(StateChange(updates: ["last": 2]))
        await server.close()
        // Read only now, so the stream has merged what it holds.
        var received = StateChange()
        for try await change in changes {
            received.merge(change)
        }
        #expect(received == StateChange(updates: ["first": 1, "last": 2]))
        #expect(client.copyState() == ["first": 1, "last": 2])
        await client.close()
    }

    @Test("a closed server refuses state changes with a clear error")
    func closedRefuses() async throws {
        let server = try await startServer()
        await server.close()
        #expect(throws: StateError.closed) { try server.updateState(StateChange(updates: ["a": 1])) }
    }

    @Test("other generated clients can share the client's connection")
    func sharedConnection() async throws {
        try await withClientServer { client, server async throws in
            let raw = Nanover_Protocol_State_State.Client(wrapping: client.connection.grpcClient)
            var request = Nanover_Protocol_State_UpdateStateRequest()
            request.accessToken = "raw"
            request.update.changedKeys.fields["raw"] = .init(stringValue: "yes")
            #expect(try await raw.updateState(request).success)
            #expect(server.copyState()["raw"] == "yes")
        }
    }

    @Test("withNanoverServer closes the server when its body ends")
    func scopedServer() async throws {
        let port = try await withNanoverServer(address: "127.0.0.1", port: 0) { server in
            try server.updateState(StateChange(updates: ["a": 1]))
            return server.port
        }
        let client = try NanoverClient(address: "127.0.0.1", port: port)
        await #expect(throws: RPCError.self) { try await client.updateAvailableCommands() }
        await client.close()
    }
}

@Suite("Many streams")
struct ManyStreamsTests {
    @Test("150 subscriptions on one connection all work, and unary calls still answer")
    func manyStreamsOnOneConnection() async throws {
        try await withClientServer(initial: ["start": 0]) { client, server async throws in
            let clients = (0..<150).map { _ in NanoverClient(connection: client.connection) }
            for subscriber in clients {
                subscriber.subscribeAllStateUpdates(interval: .zero)
            }
            await waitUntil("every subscription is open") { server.state.subscriptionCount == 150 }
            #expect(try await client.attemptUpdateState(StateChange(updates: ["after": 1])))
            await waitUntil("every mirror has the change") {
                clients.allSatisfy { $0.copyState() == ["start": 0, "after": 1] }
            }
            for subscriber in clients {
                await subscriber.close()
            }
        }
    }
}
