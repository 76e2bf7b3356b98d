import GRPCCore
import Logging
import NanoverCore
import NanoverProtocol

/// The `nanover.protocol.state.State` service over a state engine.
///
/// Subscriptions are async loops over the engine's key log: an open stream
/// costs a suspended task, never a thread, and each message is assembled
/// from map entries encoded once per change. The server's subscriptions are
/// kept in `subscriptions`, so that closing the server ends them without
/// closing a session that other adapters may still serve.
struct StateService: ClosingAwareService {
    private typealias Methods = Nanover_Protocol_State_State.Method

    /// Longest pacing interval honoured; longer ones (infinity included) are
    /// clamped, which for a subscriber is no different.
    static let maximumInterval: Double = 1_000_000

    let engine: StateEngine
    let subscriptions: SubscriptionRegistry
    let maxRequestBytes: Int
    /// Who each connection is, when the server removes what departed users
    /// left; nil otherwise.
    let connectionUsers: ConnectionUsers?
    let logger: Logger

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Methods.SubscribeStateUpdates.descriptor,
            deserializer: DescriptiveProtobufDeserializer<Nanover_Protocol_State_SubscribeStateUpdatesRequest>(maxBytes: maxRequestBytes),
            serializer: SubscriptionUpdateSerializer()
        ) { [engine, subscriptions] request, _ in
            let single = try await ServerRequest(stream: request)
            let interval = Self.interval(fromSeconds: single.message.updateInterval)
            // Asked for a first message even for an empty state (see
            // EmptyStateNudge): say so in the response headers, and send one.
            let metadata: Metadata = single.metadata[EmptyStateNudge.header].contains(where: { $0 == .string(EmptyStateNudge.always) })
                ? EmptyStateNudge.requestMetadata : [:]
            let alwaysFirst = !metadata.isEmpty
            return StreamingServerResponse(of: SubscriptionUpdate.self, metadata: metadata) { writer in
                let subscription = engine.subscribe(interval: interval)
                try await subscriptions.serve(subscription) {
                    if alwaysFirst, engine.keyCount == 0 {
                        try await writer.write(.empty)
                    }
                    while let update = await subscription.next() {
                        try await writer.write(update)
                    }
                }
                return [:]
            }
        }
        router.registerUnary(Methods.UpdateState.descriptor, deserializer: StateUpdateRequestDeserializer(maxBytes: maxRequestBytes)) { request, context in
            try updateState(request, peer: context.remotePeer)
        }
        router.registerUnary(Methods.UpdateLocks.descriptor, maxRequestBytes: maxRequestBytes) { (request: Nanover_Protocol_State_UpdateLocksRequest, _) in
            try updateLocks(request)
        }
    }

    /// Ends this server's subscriptions, each after delivering what is
    /// pending: the session may go on serving other adapters.
    func serverWillClose() async {
        subscriptions.finishAll()
    }

    /// Seconds as sent (a float) to a pacing interval; NaN and negative
    /// values mean no spacing.
    static func interval(fromSeconds seconds: Float) -> Duration {
        let seconds = Double(seconds)
        guard seconds > 0 else { return .zero }
        return .seconds(min(seconds, maximumInterval))
    }

    /// Applies a change, with the other form of the scene when it writes one
    /// (see `SceneShim`), as a 2026 client's change is.
    func updateState(_ request: StateUpdateRequest, peer: String) throws -> Nanover_Protocol_State_UpdateStateResponse {
        let change = StateChange(protobufChangedKeys: request.changedKeys)
        var response = Nanover_Protocol_State_UpdateStateResponse()
        do {
            try engine.update(SceneShim.extend(change), token: AccessToken(request.accessToken))
            connectionUsers?.applied(change, peer: peer)
            response.success = true
        } catch .locked {
            response.success = false
        } catch .closed {
            throw RPCError(code: .unavailable, message: "the server is closing")
        } catch .overLimit(let exceeded) {
            throw RPCError(code: .resourceExhausted, message: "state update refused: \(exceeded)")
        } catch {
            throw RPCError(code: .invalidArgument, message: "state update: \(error)")
        }
        return response
    }

    func updateLocks(_ request: Nanover_Protocol_State_UpdateLocksRequest) throws -> Nanover_Protocol_State_UpdateLocksResponse {
        let changes = try LockChange.changes(protobuf: request.lockKeys)
        var response = Nanover_Protocol_State_UpdateLocksResponse()
        do {
            try engine.updateLocks(changes, token: AccessToken(request.accessToken))
            response.success = true
        } catch .locked {
            response.success = false
        } catch .closed {
            throw RPCError(code: .unavailable, message: "the server is closing")
        } catch {
            throw RPCError(code: .invalidArgument, message: "lock update: \(error)")
        }
        return response
    }
}
