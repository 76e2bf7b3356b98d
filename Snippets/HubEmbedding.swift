// Compose a hub: one session served over gRPC and the NanoVer 2026 protocol, with the multi-user command and a state file, run as a service until shutdown.

// snippet.hide
import Foundation
import Logging
import NanoverCore
import NanoverGRPC
import NanoverHub
import NanoverWebSocket
import ServiceLifecycle

/// Waits until `condition` holds, for at most ten seconds.
@MainActor func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<1_000 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    precondition(condition(), "timed out")
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-embedding-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let statePath = directory.appendingPathComponent("state.json").path
let logger = Logger(label: "hub")

// snippet.show
// snippet.compose
// One session: the state, commands and frames every adapter serves.
let session = NanoverSession(clock: EventLoopClock())
try Multiuser.registerCommands(on: session)          // multiuser/radially-orient-origins
let stateFile = StateFile(path: statePath)
if let saved = try stateFile.load() {                 // nil: no file yet
    try session.state.update(StateChange(updates: saved))
}
let persister = StatePersister(engine: session.state, file: stateFile, logger: logger)

// Two adapters over it: gRPC and the NanoVer 2026 protocol (WebSocket + MessagePack).
let grpc = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)
let webSocket = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0)

// The hub as a service: a real program adds gracefulShutdownSignals: [.sigterm, .sigint].
let hub = HubService(server: grpc, persister: persister, logger: logger)
let group = ServiceGroup(services: [hub], logger: logger)
let running = Task { try await group.run() }
// snippet.end

// snippet.share
// A headset on the 2026 protocol and a desktop program on gRPC share the session.
let headset = try await NanoverWebSocketClient.connect(to: "ws://127.0.0.1:\(webSocket.port)")
try await headset.update(updates: ["avatar.alice": ["position": [0, 1.6, 0]]])
let desktop = try NanoverClient(address: "127.0.0.1", port: grpc.port)
_ = try await desktop.attemptUpdateState(StateChange(updates: ["avatar.bob": ["position": [1, 1.7, 0]]]))
// snippet.hide
try await waitUntil { session.state.copyState().keys.filter { $0.hasPrefix(Multiuser.avatarPrefix) }.count == 2 }
// snippet.show

// Either side runs the command: each avatar's origin placed on a circle of radius 2.
_ = try await desktop.runCommand(Multiuser.radiallyOrientOriginsCommand, arguments: ["radius": 2])
// snippet.hide
try await waitUntil { headset.copyState()["user-origin.bob"] != nil }
// snippet.show
print(headset.copyState()["user-origin.alice"] ?? nil)  // {"position": [...], "rotation": [...]}
// snippet.end
// snippet.hide
precondition(session.state.copyState()["user-origin.alice"] != nil)
precondition(session.state.copyState()["user-origin.bob"] != nil)
// snippet.show

// snippet.shutdown
await desktop.close()
await headset.close()
await group.triggerGracefulShutdown()   // what SIGTERM does: the hub closes the server, then the session
try await running.value                 // ...and writes the state file once more
await webSocket.close()
// snippet.end
// snippet.hide
precondition(session.state.isClosed)
let saved = try StateFile(path: statePath).load() ?? [:]
precondition(saved["avatar.bob"] != nil && saved["user-origin.bob"] != nil, "\(saved)")
// snippet.show
