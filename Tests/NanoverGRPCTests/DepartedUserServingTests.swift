import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

/// A gRPC client's connection ending takes the keys of the user it named
/// with it, when the server is asked to (a 2026 client's always does).
@Suite("Departed gRPC users")
struct DepartedUserServingTests {
    private func server(removing: Bool, session: NanoverSession = NanoverSession()) async throws -> NanoverServer {
        var configuration = testConfiguration()
        configuration.removesDepartedUsers = removing
        return try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0, configuration: configuration)
    }

    private let left: NanoverStruct = [
        "avatar.u1": ["position": [1, 2, 3]], "playarea.u1": 1, "selection.u1.3": 1, "foo.u12": 1,
        "interaction.a": ["owner": ["id": "u1"]],
    ]

    @Test("the user's keys go in one change when its connection ends; a longer id's and other users' stay")
    func removed() async throws {
        let session = NanoverSession()
        let server = try await server(removing: true, session: session)
        let headset = try NanoverClient(address: "127.0.0.1", port: server.port)
        let watcher = try NanoverClient(address: "127.0.0.1", port: server.port)
        #expect(try await headset.attemptUpdateState(StateChange(updates: left)))
        #expect(try await watcher.attemptUpdateState(StateChange(updates: ["avatar.u2": 1])))
        watcher.subscribeAllStateUpdates(interval: .zero)
        await waitUntil("the watcher holds everything") { watcher.copyState().count == left.count + 1 }

        await headset.close()
        await waitUntil("the departed user's avatar is gone") { watcher.copyState()["avatar.u1"] == nil }
        // Gone with it, in the same change.
        #expect(watcher.copyState() == ["foo.u12": 1, "avatar.u2": 1])
        await watcher.close()
        await server.close()
        session.close()
    }

    @Test("off, the keys stay after the connection ends, as with the gRPC-era reference")
    func keptWhenOff() async throws {
        let session = NanoverSession()
        let server = try await server(removing: false, session: session)
        let headset = try NanoverClient(address: "127.0.0.1", port: server.port)
        #expect(try await headset.attemptUpdateState(StateChange(updates: left)))
        await headset.close()
        let other = try NanoverClient(address: "127.0.0.1", port: server.port)
        #expect(try await other.attemptUpdateState(StateChange(updates: ["avatar.u2": 1])))
        await other.close()
        #expect(session.state.copyState()["avatar.u1"] != nil)
        await server.close()
        session.close()
    }

    @Test("a server closing removes nothing: the hub stopping is not its users leaving")
    func notOnClosing() async throws {
        let session = NanoverSession()
        let server = try await server(removing: true, session: session)
        let headset = try NanoverClient(address: "127.0.0.1", port: server.port)
        headset.subscribeAllStateUpdates(interval: .zero)
        #expect(try await headset.attemptUpdateState(StateChange(updates: left)))
        await server.close()
        await headset.close()
        #expect(session.state.copyState() == left)
        session.close()
    }

    @Test("writing scene over gRPC also writes transform.simulation, as a 2026 write does")
    func sceneShim() async throws {
        try await withClientServer(initial: [:]) { (client: NanoverClient, server: NanoverServer) async throws in
            #expect(try await client.attemptUpdateState(StateChange(updates: ["scene": [1, 2, 3, 0, 0, 0, 1, 2, 2, 2]])))
            #expect(server.session.state.copyState()["transform.simulation"] == [
                "transform": [1, 2, 3, 0, 0, 0, 1, -2, 2, 2], "parent": "root",
            ])
        }
    }
}
