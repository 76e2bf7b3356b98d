import GRPCCore
import NanoverCore
import NanoverProtocol

extension NanoverClient {
    /// The whole shared state, read once, without touching the mirror.
    ///
    /// Against a server that sends no first message for an empty state (the
    /// reference), this nudges it when none has come after a second, with
    /// the removal of a key that cannot exist (`nanover.snapshot.<uuid>`),
    /// which that server's other subscribers may see. Our server needs no
    /// nudge: the client asks with the request header
    /// `nanover-initial-state: always`, and our server then sends an empty
    /// first message for an empty state.
    ///
    /// - Throws: `RPCError` when the server cannot be reached.
    public func fetchState() async throws -> NanoverStruct {
        let request = Nanover_Protocol_State_SubscribeStateUpdatesRequest()
        let options = streamOptions(timeout: configuration.callTimeout)
        let nudge = EmptyStateNudge(serverConfirmed: serverSendsInitialState)
        let stateClient = self.stateClient
        return try await withThrowingTaskGroup(of: NanoverStruct?.self) { group in
            group.addTask {
                try await stateClient.subscribeStateUpdates(request, metadata: EmptyStateNudge.requestMetadata, options: options) { response in
                    nudge.responseArrived(response.metadata)
                    for try await update in response.messages {
                        return nudge.withoutNudge(StateChange(protobufChangedKeys: try NanoverStruct(protobuf: update.changedKeys))).updates
                    }
                    throw RPCError(code: .unavailable, message: "the server ended the subscription before sending the state")
                }
            }
            group.addTask {
                try await nudge.run(with: self)
                return nil
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

    /// Options for a subscription stream.
    func streamOptions(timeout: Duration? = nil) -> CallOptions {
        var options = CallOptions.receivingLarge(configuration.maxResponseMessageBytes)
        options.timeout = timeout
        options.waitForReady = configuration.waitsForConnection
        return options
    }
}
