// Connect the NanoVer 2026 client to a hub: mirror the state, run and register commands, publish and follow frames, pull on particles.

// snippet.hide
import NanoverCore
import NanoverWebSocket

let session = NanoverSession()
try session.state.update(StateChange(updates: ["old": "x"]))
let hub = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0)
let url = "ws://127.0.0.1:\(hub.port)"

// snippet.show
// snippet.state
let client = try await NanoverWebSocketClient.connect(to: url)  // "ws://HOST:PORT"
print(try await client.fetchState())  // ["old": "x"]: the server sends the whole state first

// No reply to a change: it comes back, applied, to every client, this one too.
try await client.update(updates: ["count": 3, "blob": .binary([1, 2])], removals: ["old"])
for try await change in client.stateChanges() where change.updates["count"] != nil {
    print(change.updates["count"]!)  // 3: integers stay integers, binary stays binary
    break
}
// snippet.end
// snippet.hide
guard case .int(3)? = client.copyState()["count"] else { preconditionFailure("count is not the integer 3") }
precondition(client.copyState() == ["count": 3, "blob": .binary([1, 2])])
// snippet.show

// snippet.commands
// A command that runs on this client, whoever calls it, over either protocol.
try await client.registerCommand("double", defaultArguments: ["x": 1], label: "Double it", icon: "✖️") { arguments in
    ["y": .int(2 * Int64(arguments["x"]?.intValue ?? 0))]
}
let commands = try await client.updateAvailableCommands()  // commands/list
print(commands["double"]?.label ?? "")  // Double it
print(try await client.runCommand("double", arguments: ["x": 4]))  // {"y":8}

do {
    _ = try await client.runCommand("no/such/command")
} catch NanoverWebSocketClientError.commandFailed(let name, let message) {
    print(name, message)  // the server's exception text
}
// snippet.end
// snippet.hide
precondition(commands["double"]?.icon == "✖️")
precondition(commands[NanoverWebSocketClient.listCommand] != nil)
let fromTheHub = try await session.commands.run("double", arguments: ["x": 5])  // runs on the client
precondition(fromTheHub == ["y": 10])
// snippet.show

// snippet.frames
let frames = client.subscribeLatestFrames()
try await client.publishFrame(Frame(values: [FrameKey.particleCount: 2]), index: 0)  // 0: a reset
var positions = Frame()
positions.setParticlePositions([SIMD3(0, 0, 0), SIMD3(0.1, 0, 0)])
try await client.publishFrame(positions, index: 1)  // the hub numbers it
for try await received in frames where received.frame.arrays[FrameKey.particlePositions] != nil {
    print(received.index, try received.frame.particlePositions() ?? [])
    break
}
print(client.currentFrame.particleCount ?? 0)  // 2: every frame since the reset, merged
// snippet.end
// snippet.hide
precondition(client.currentFrame.particleCount == 2)
let merged = try client.currentFrame.particlePositions()
precondition(merged?.count == 2)
frames.cancel()
// snippet.show

// snippet.interactions
let pull = try await client.startInteraction(ParticleInteraction(position: SIMD3(1, 0, 0), particles: [0, 1]))
for try await change in client.stateChanges() where change.updates[pull] != nil {
    break
}
print(client.interactions[pull]?.particles ?? [])  // [0, 1]
try await client.stopInteraction(pull)  // close() stops the ones left
// snippet.end
// snippet.hide
precondition(client.interactions[pull]?.particles == [0, 1])
// snippet.show

await client.close()  // closes with code 1000
// snippet.hide
await hub.close()
session.close()
