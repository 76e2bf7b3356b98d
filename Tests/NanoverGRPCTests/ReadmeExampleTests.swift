import NanoverCore
import NanoverGRPC
import Testing

/// The README's example, as it is written there, so that it stays true.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("a session served by a gRPC server, a command and a client work as the README shows")
    func example() async throws {
        let session = NanoverSession(clock: EventLoopClock())
        try session.commands.register("multiply", defaultArguments: ["x": 2, "z": 1]) { arguments in
            let x = arguments["x"]?.doubleValue ?? 0, z = arguments["z"]?.doubleValue ?? 0
            return ["y": .double(x * z)]
        }
        let server = try await NanoverServer.start(serving: session, address: "localhost", port: 0)

        let client = try NanoverClient(address: "localhost", port: server.port)
        let result = try await client.runCommand("multiply", arguments: ["z": 5])
        #expect(result["y"]?.intValue == 10)

        client.subscribeAllStateUpdates()
        let accepted = try await client.attemptUpdateState(StateChange(updates: ["hello": ["a": 1, "b": [true, "x"]]]))
        for try await change in client.stateChanges() where change.updates["hello"] != nil {
            #expect(change.updates == ["hello": ["a": 1, "b": [true, "x"]]])
            break
        }
        #expect(accepted)
        #expect(client.copyState() == ["hello": ["a": 1, "b": [true, "x"]]])
        #expect(try await client.attemptUpdateLocks(["hello": .acquire(.seconds(5))]))

        await client.close()
        await server.close()
        session.close()
    }
}
