import GRPCCore
import Logging
import NanoverCore
import NanoverProtocol

/// The `nanover.protocol.state.State` service over a state engine.
///
/// Subscriptions are async loops over the engine's change buffers: an open
/// stream costs a suspended task and a small buffer, never a thread, and
/// each message is assembled from map entries encoded once per change.
struct StateService: RegistrableRPCService {
    private typealias Methods = Nanover_Protocol_State_State.Method

    /// Longest pacing interval honoured; longer ones (infinity included) are
    /// clamped, which for a subscriber is no different.
    static let maximumInterval: Double = 1_000_000

    let engine: StateEngine
    let maxRequestBytes: Int
    let logger: Logger

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Methods.SubscribeStateUpdates.descriptor,
            deserializer: DescriptiveProtobufDeserializer<Nanover_Protocol_State_SubscribeStateUpdatesRequest>(maxBytes: maxRequestBytes),
            serializer: SubscriptionUpdateSerializer()
        ) { [engine] request, _ in
            let single = try await ServerRequest(stream: request)
            let interval = Self.interval(fromSeconds: single.message.updateInterval)
            return StreamingServerResponse(of: SubscriptionUpdate.self) { writer in
                let subscription = engine.subscribe(interval: interval)
                defer { subscription.cancel() }
                // A client leaving, or the server shutting down, cancels the
                // RPC, not this task. Either way, deliver what is pending and
                // end: to a departed client the write fails at once, and on
                // shutdown nothing is lost. Without this, a subscriber waiting
                // for changes would linger until the next change.
                try await withRPCCancellationHandler {
                    while let update = await subscription.next() {
                        try await writer.write(update)
                    }
                } onCancelRPC: {
                    subscription.finish()
                }
                return [:]
            }
        }
        router.registerUnary(Methods.UpdateState.descriptor, deserializer: StateUpdateRequestDeserializer(maxBytes: maxRequestBytes)) { request, _ in
            try updateState(request)
        }
        router.registerUnary(Methods.UpdateLocks.descriptor, maxRequestBytes: maxRequestBytes) { (request: Nanover_Protocol_State_UpdateLocksRequest, _) in
            try updateLocks(request)
        }
    }

    /// Seconds as sent (a float) to a pacing interval; NaN and negative
    /// values mean no spacing.
    static func interval(fromSeconds seconds: Float) -> Duration {
        let seconds = Double(seconds)
        guard seconds > 0 else { return .zero }
        return .seconds(min(seconds, maximumInterval))
    }

    func updateState(_ request: StateUpdateRequest) throws -> Nanover_Protocol_State_UpdateStateResponse {
        let change = StateChange(changedKeys: request.changedKeys)
        var response = Nanover_Protocol_State_UpdateStateResponse()
        do {
            try engine.update(change, token: AccessToken(request.accessToken))
            response.success = true
        } catch StateError.locked {
            response.success = false
        } catch StateError.closed {
            throw RPCError(code: .unavailable, message: "the server is closing")
        } catch {
            throw RPCError(code: .invalidArgument, message: "state update: \(error)")
        }
        return response
    }

    func updateLocks(_ request: Nanover_Protocol_State_UpdateLocksRequest) throws -> Nanover_Protocol_State_UpdateLocksResponse {
        let locks = try LockRequest(lockKeys: request.lockKeys)
        var response = Nanover_Protocol_State_UpdateLocksResponse()
        do {
            try engine.updateLocks(token: AccessToken(request.accessToken), acquire: locks.acquire, release: locks.release)
            response.success = true
        } catch .locked {
            response.success = false
        } catch {
            throw RPCError(code: .invalidArgument, message: "lock update: \(error)")
        }
        return response
    }
}
