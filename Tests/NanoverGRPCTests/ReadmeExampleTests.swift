import NanoverCore
import NanoverGRPC
import Testing

/// The README's example, as it is written there, so that it stays true.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("embedding a server, registering a command and using a client works as the README shows")
    func example() async throws {
        let server = try await NanoverServer.start(address: "localhost", port: 0)
        try server.registerCommand("multiply", defaultArguments: ["x": 2, "z": 1]) { arguments in
            let x = arguments["x"]?.doubleValue ?? 0, z = arguments["z"]?.doubleValue ?? 0
            return ["y": .number(x * z)]
        }

        let client = try NanoverClient(address: "localhost", port: server.port)
        let result = try await client.runCommand("multiply", arguments: ["z": 5])
        #expect(result["y"]?.intValue == 10)

        let changes = client.stateChanges()
        client.subscribeAllStateUpdates()
        let accepted = try await client.attemptUpdateState(StateChange(updates: ["hello": ["a": 1, "b": [true, "x"]]]))
        for try await change in changes where change.updates["hello"] != nil {
            #expect(change.updates == ["hello": ["a": 1, "b": [true, "x"]]])
            break
        }
        #expect(accepted)
        #expect(client.copyState() == ["hello": ["a": 1, "b": [true, "x"]]])
        #expect(try await client.attemptUpdateLocks(["hello": 5]))

        await client.close()
        await server.close()
    }
}
