import Foundation
import NanoverCore
import Synchronization

/// Makes a subscription's first message come even when the state is empty.
///
/// The protocol has no "get": the first message is the whole state, but an
/// empty state sends nothing, so a subscriber cannot tell "empty" from "not
/// yet". When no message comes at once, this removes a key that cannot exist
/// (`nanover.snapshot.<uuid>`): that succeeds, changes nothing, and is
/// streamed, so a first message then arrives either way. Other subscribers
/// see that removal of a missing key, which the protocol allows.
struct EmptyStateNudge: Sendable {
    let key = "nanover.snapshot.\(UUID().uuidString.lowercased())"
    private let arrived = ArrivalFlag()

    /// Call when the first message has come.
    func firstMessageArrived() {
        arrived.set()
    }

    /// Nudges after 100 ms, then every 500 ms, until the first message has
    /// come. Runs beside the subscribing call, not inside its response
    /// handler: some servers (the Python reference) send no response headers
    /// before their first message.
    func run(with client: NanoverClient) async throws {
        var wait = Duration.milliseconds(100)
        while true {
            try await Task.sleep(for: wait)
            if arrived.isSet {
                return
            }
            _ = try await client.attemptUpdateState(StateChange(removals: [key]))
            wait = .milliseconds(500)
        }
    }

    /// A message without the nudge's key.
    func withoutNudge(_ change: StateChange) -> StateChange {
        guard change.removals.contains(key) else { return change }
        return StateChange(updates: change.updates, removals: change.removals.subtracting([key]))
    }
}

private final class ArrivalFlag: Sendable {
    private let value = Atomic(false)

    func set() {
        value.store(true, ordering: .releasing)
    }

    var isSet: Bool {
        value.load(ordering: .acquiring)
    }
}
