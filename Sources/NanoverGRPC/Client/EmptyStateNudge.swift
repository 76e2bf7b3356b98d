import GRPCCore
import NanoverCore

/// Makes a subscription's first message come even when the state is empty.
///
/// The protocol has no "get": the first message is the whole state, but an
/// empty state sends nothing, so a subscriber cannot tell "empty" from "not
/// yet". Our client asks for a first message always (the request header
/// `nanover-initial-state: always`), and our server answers with the same
/// header and then an empty first message for an empty state: nothing is
/// written. A server that does not answer so (the Python reference) is
/// nudged when no message has come after a while: the client removes a key
/// that cannot exist (`nanover.snapshot.<uuid>`), which succeeds, changes
/// nothing, and is streamed, so a first message then arrives; other
/// subscribers of that server see the removal, which the protocol allows.
/// Once a server has answered with the header, the client's later
/// subscriptions to it are never nudged.
struct EmptyStateNudge: Sendable {
    static let header = "nanover-initial-state"
    static let always = "always"

    let key = EmptyStateProbe.makeKey()
    private let arrived = Flag()
    private let confirmed: Flag

    /// - Parameter serverConfirmed: the client's memory that its server
    ///   sends a first message always; set here when the server says so.
    init(serverConfirmed: Flag) {
        confirmed = serverConfirmed
    }

    /// The request metadata asking for a first message always.
    static var requestMetadata: Metadata {
        [header: .string(always)]
    }

    /// Call with the response's metadata when it comes.
    func responseArrived(_ metadata: Metadata) {
        if metadata[Self.header].contains(where: { $0 == .string(Self.always) }) {
            confirmed.set()
        }
    }

    /// Call when the first message has come.
    func firstMessageArrived() {
        arrived.set()
    }

    /// Nudges after a second, then every half second, until the first
    /// message has come, unless the server has said it sends one always.
    /// Runs beside the subscribing call, not inside its response handler:
    /// some servers (the Python reference) send no response headers before
    /// their first message.
    func run(with client: NanoverClient) async throws {
        var wait = Duration.seconds(1)
        while true {
            if confirmed.isSet {
                return
            }
            try await Task.sleep(for: wait)
            if arrived.isSet || confirmed.isSet {
                return
            }
            _ = try await client.attemptUpdateState(StateChange(removals: [key]))
            wait = .milliseconds(500)
        }
    }

    /// A message without the nudge's key.
    func withoutNudge(_ change: StateChange) -> StateChange {
        EmptyStateProbe.removing(key, from: change)
    }
}
