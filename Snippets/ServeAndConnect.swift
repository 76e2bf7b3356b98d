// Serve a session over gRPC, register a command, and call it and share state from a client.

// snippet.hide
import NanoverCore
import NanoverGRPC

// snippet.show
let session = NanoverSession()
try session.commands.register("multiply", defaultArguments: ["x": 2, "z": 1]) { arguments in
    let x = arguments["x"]?.doubleValue ?? 0, z = arguments["z"]?.doubleValue ?? 0
    return ["y": .double(x * z)]
}
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)

let client = try NanoverClient(address: "127.0.0.1", port: server.port)
let product = try await client.runCommand("multiply", arguments: ["z": 5])
print(product["y"] ?? nil)  // 10.0

client.subscribeAllStateUpdates()
_ = try await client.attemptUpdateState(StateChange(updates: ["scene.title": "Hello"]))
for try await change in client.stateChanges() where change.updates["scene.title"] != nil {
    print(change.updates)  // ["scene.title": "Hello"]
    break
}
// snippet.hide
precondition(product["y"]?.intValue == 10)
precondition(client.copyState()["scene.title"] == "Hello")
// snippet.show

await client.close()
await server.close()
session.close()
