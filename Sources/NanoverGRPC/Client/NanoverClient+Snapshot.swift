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
        let request = Nanover_Protocol_State_SubscribeStateUpdatesRequest()
        var callOptions = CallOptions.defaults
        callOptions.maxResponseMessageBytes = configuration.maxResponseMessageBytes
        callOptions.timeout = configuration.callTimeout
        let options = callOptions
        let probeKey = "nanover.snapshot.\(UUID().uuidString.lowercased())"
        let stateClient = self.stateClient
        return try await withThrowingTaskGroup(of: NanoverStruct?.self) { group in
            group.addTask {
                try await stateClient.subscribeStateUpdates(request, options: options) { response in
                    for try await update in response.messages {
                        var state = try NanoverStruct(update.changedKeys)
                        state[probeKey] = nil
                        return state.filter { !$0.value.isNull }
                    }
                    throw RPCError(code: .unavailable, message: "the server ended the subscription before sending the state")
                }
            }
            group.addTask {
                // Beside the call, not inside its response handler: some
                // servers (the Python reference) send no response headers
                // until their first message, which an empty state never sends.
                var wait = Duration.milliseconds(100)
                while true {
                    try await Task.sleep(for: wait)
                    _ = try await self.attemptUpdateState(StateChange(removals: [probeKey]))
                    wait = .milliseconds(500)
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let state = result {
                    return state
                }
            }
            throw RPCError(code: .unavailable, message: "no state received")
        }
    }
}
