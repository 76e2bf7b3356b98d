// Keep a client's mirror across a server restart: the loss and the restoration are events, and the new server's state replaces the mirror.

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

// snippet.show
let first = try await NanoverServer.start(address: "127.0.0.1", port: 0)
try first.updateState(StateChange(updates: ["kept": 1, "vanishes": 2]))
let port = first.port

let client = try NanoverClient(address: "127.0.0.1", port: port)
let events = client.subscriptionEvents()
let retry = ResubscribePolicy(initialDelay: .milliseconds(50), maximumDelay: .seconds(1))
client.subscribeAllStateUpdates(resubscribe: retry)
// snippet.hide
try await waitUntil { client.copyState() == ["kept": 1, "vanishes": 2] }
// snippet.show

await first.close()                        // the server goes away: calls fail, the mirror stays

// A new server on the same port, with a state of its own.
let session = NanoverSession()
try session.state.update(StateChange(updates: ["kept": 10]))
let second = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: port)

// snippet.hide
var sawLoss = false
// snippet.show
for await event in events {
    switch event {
    case .lost(let error):
        print("lost:", error)                   // the server ended the subscription
        // snippet.hide
        sawLoss = true
        // snippet.show
    case .restored:
        print("restored:", client.copyState())  // ["kept": 10.0]: "vanishes" is gone
    }
    if case .restored = event, client.copyState()["kept"] == 10 { break }
}
// snippet.hide
precondition(sawLoss)
precondition(client.copyState() == ["kept": 10])
// snippet.show

await client.close()
await second.close()
session.close()
