// Serve one session over gRPC and the NanoVer 2026 protocol at once: a gRPC client and a 2026 client share its state and commands.

// snippet.hide
import NanoverCore
import NanoverGRPC
import NanoverWebSocket

// snippet.show
// snippet.serve
let session = NanoverSession()
try session.commands.register("multiply", defaultArguments: ["x": 2, "z": 1]) { arguments in
    let x = arguments["x"]?.doubleValue ?? 0, z = arguments["z"]?.doubleValue ?? 0
    return ["y": .double(x * z)]
}
// Two adapters over the one session: gRPC and WebSocket + MessagePack.
let grpcServer = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)
let webSocketServer = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0)
// snippet.end

// snippet.share
let desktop = try NanoverClient(address: "127.0.0.1", port: grpcServer.port)
desktop.subscribeAllStateUpdates()
let headset = try await NanoverWebSocketClient.connect(to: "ws://127.0.0.1:\(webSocketServer.port)")

// The 2026 client writes its avatar; the gRPC client sees it.
try await headset.update(updates: ["avatar.alice": ["head": [0, 1.6, 0]], "user-origin.alice": [0, 0, 0]])
for try await change in desktop.stateChanges() where change.updates["avatar.alice"] != nil {
    break
}

// The gRPC client writes; the 2026 client sees it.
_ = try await desktop.attemptUpdateState(StateChange(updates: ["scene.title": "Water"]))
for try await change in headset.stateChanges() where change.updates["scene.title"] != nil {
    break
}

// Both run the session's commands.
let product = try await headset.runCommand("multiply", arguments: ["z": 5])
print(product)  // {"y":10.0}
// snippet.end
// snippet.hide
precondition(desktop.copyState()["avatar.alice"] == ["head": [0, 1.6, 0]])
precondition(headset.copyState()["scene.title"] == "Water")
precondition(product == ["y": 10])
// snippet.show

// snippet.locks
// A key locked over gRPC refuses a 2026 change that touches it, whole and silently.
_ = try await desktop.attemptUpdateLocks(["scene.title": .acquire(.seconds(30))])
try await headset.update(updates: ["scene.title": "Ice", "note": "refused with it"])
try await headset.update(updates: ["marker": true])  // applied after the refused change
for try await change in headset.stateChanges() where change.updates["marker"] != nil {
    break
}
print(headset.copyState()["scene.title"] ?? nil)  // "Water"
// snippet.end
// snippet.hide
precondition(headset.copyState()["scene.title"] == "Water")
precondition(session.state.value(forKey: "note") == nil)
// snippet.show

// snippet.depart
// When the 2026 client leaves, the keys of its user go, in one change.
let desktopChanges = desktop.stateChanges()  // opened first: the removal may land as the headset closes
await headset.close()
for try await change in desktopChanges where change.removals.contains("avatar.alice") {
    print(change.removals.sorted())  // ["avatar.alice", "user-origin.alice"]
    break
}
// snippet.end
// snippet.hide
precondition(desktop.copyState()["avatar.alice"] == nil)
precondition(desktop.copyState()["user-origin.alice"] == nil)
precondition(desktop.copyState()["scene.title"] == "Water")
// snippet.show

await desktop.close()
await webSocketServer.close()
await grpcServer.close()
session.close()
