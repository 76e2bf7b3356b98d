// Serve a session over gRPC, register a command, call it from a client, share state and lock a key.

// snippet.show
import NanoverCore
import NanoverGRPC

// The session: state, commands and frames, free of any protocol.
let session = NanoverSession(clock: EventLoopClock())
try session.commands.register("multiply", defaultArguments: ["x": 2, "z": 1]) { arguments in
    let x = arguments["x"]?.doubleValue ?? 0, z = arguments["z"]?.doubleValue ?? 0
    return ["y": .double(x * z)]
}
// A protocol adapter serving it: gRPC here; any number may serve one session.
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)

let client = try NanoverClient(address: "127.0.0.1", port: server.port)
let result = try await client.runCommand("multiply", arguments: ["z": 5])
print(result["y"]?.intValue ?? 0)                 // 10: numbers travel as doubles over gRPC

client.subscribeAllStateUpdates()                 // one local mirror, 30 updates/s at most
let accepted = try await client.attemptUpdateState(StateChange(updates: ["hello": ["a": 1, "b": [true, "x"]]]))
for try await change in client.stateChanges() where change.updates["hello"] != nil {
    print(change.updates, change.removals)        // the mirror's content first, then each change
    break
}
print(accepted, client.copyState())               // true ["hello": {"a":1,"b":[true,"x"]}]
let locked = try await client.attemptUpdateLocks(["hello": .acquire(.seconds(5))])
// snippet.hide
precondition(result["y"]?.intValue == 10)
precondition(accepted)
precondition(client.copyState() == ["hello": ["a": 1, "b": [true, "x"]]])
precondition(locked)
precondition(session.state.lockOwner(of: "hello") != nil)
// snippet.show

await client.close()
await server.close()                              // flushes and ends this server's subscriptions
session.close()
