import Foundation
import GRPCCore
import NanoverCore
import NanoverProtocol

extension NanoverClient {
    /// The whole shared state, read once, without touching the mirror.
    ///
    /// The protocol has no "get": a subscription's first message is the
    /// whole state, but an empty state sends nothing. So when no message
    /// comes at once, this removes a key that cannot exist
    /// (`nanover.snapshot.<uuid>`): that succeeds, changes nothing, and is
    /// streamed, so the first message then arrives either way. Other
    /// subscribers see that removal of a missing key, which the protocol
    /// allows.
    ///
    /// - Throws: `RPCError` when the server cannot be reached.
    public func fetchState() async throws -> NanoverStruct {
        var request = Nanover_Protocol_State_SubscribeStateUpdatesRequest()
        request.updateInterval = 0
        var options = CallOptions.defaults
        options.maxResponseMessageBytes = configuration.maxResponseMessageBytes
        options.timeout = configuration.callTimeout
        let probeKey = "nanover.snapshot.\(UUID().uuidString.lowercased())"
        return try await stateClient.subscribeStateUpdates(request, options: options) { response in
            try await withThrowingTaskGroup(of: NanoverStruct?.self) { group in
                group.addTask {
                    for try await update in response.messages {
                        var change = StateChange(changedKeys: try NanoverStruct(update.changedKeys))
                        change = StateChange(updates: change.updates, removals: change.removals.subtracting([probeKey]))
                        return change.updates
                    }
                    throw RPCError(code: .unavailable, message: "the server ended the subscription before sending the state")
                }
                group.addTask {
                    // Nudge only if the first message is slow to come.
                    var wait = Duration.milliseconds(100)
                    while true {
                        try await Task.sleep(for: wait)
                        _ = try await self.attemptUpdateState(StateChange(removals: [probeKey]))
                        wait = .milliseconds(500)
                    }
                }
                defer { group.cancelAll() }
                guard let state = try await group.next() ?? nil else {
                    throw RPCError(code: .unavailable, message: "no state received")
                }
                return state
            }
        }
    }
}
