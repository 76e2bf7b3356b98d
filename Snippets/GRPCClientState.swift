// Keep a mirror of the shared state, read its changes (merged for a slow reader), and change it atomically under a lock.

// snippet.hide
import NanoverCore
import NanoverGRPC

/// Waits until `condition` holds, for at most ten seconds.
@MainActor func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<1_000 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    precondition(condition(), "timed out")
}

let session = NanoverSession()
try session.state.update(StateChange(updates: ["scene.title": "Water"]))
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)

// snippet.show
// snippet.mirror
let alice = try NanoverClient(address: "127.0.0.1", port: server.port)
alice.subscribeAllStateUpdates()        // the whole state first, then changes, 30 a second at most
let changes = alice.stateChanges()      // begins with what the mirror holds: call it before or after

// Nobody reads for a while: the changes wait merged, key by key.
for count in 1...3 {
    _ = try await alice.attemptUpdateState(StateChange(updates: ["count": .int(Int64(count))]))
}
// snippet.hide
try await waitUntil { alice.copyState()["count"] == 3 }
// snippet.show
var merged = StateChange()
for try await change in changes {
    merged = change                     // ["scene.title": "Water", "count": 3.0]: one change, latest values
    break
}
// snippet.end
// snippet.hide
precondition(merged.updates == ["scene.title": "Water", "count": 3])
precondition(alice.copyState()["count"]?.doubleValue == 3)  // integers travel as doubles over gRPC
// snippet.show

// snippet.locks
let bob = try NanoverClient(address: "127.0.0.1", port: server.port)
let held = try await alice.attemptUpdateLocks(["scene.title": .acquire(.seconds(5))])

// Bob's change touches Alice's key: refused whole, so "scene.note" is not set either.
let bobs = try await bob.attemptUpdateState(StateChange(updates: ["scene.title": "Ice", "scene.note": "cold"]))
// Alice's own changes go through while she holds the lock.
let alices = try await alice.attemptUpdateState(StateChange(updates: ["scene.title": "Steam"]))
_ = try await alice.attemptUpdateLocks(release: ["scene.title"])
print(held, bobs, alices)               // true false true
// snippet.end
// snippet.hide
precondition(held && !bobs && alices)
precondition(server.copyState()["scene.note"] == nil)
precondition(server.copyState()["scene.title"] == "Steam")
try await waitUntil { alice.copyState()["scene.title"] == "Steam" }
// snippet.show

// snippet.read
// Read the mirror in place, with no update landing meanwhile (keep it short).
let title = alice.withLockedState { state in state["scene.title"]?.stringValue }
print(title ?? "")                      // Steam
// snippet.end
// snippet.hide
precondition(title == "Steam")
// snippet.show

await bob.close()
await alice.close()
await server.close()
session.close()
