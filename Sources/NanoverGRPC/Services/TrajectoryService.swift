import GRPCCore
import NanoverCore
import NanoverProtocol

/// The `nanover.protocol.trajectory.TrajectoryService` over a session's
/// frame publisher: each subscription is an async loop over the
/// publisher's kept frames, and each frame is encoded once for every
/// subscriber it reaches.
struct TrajectoryService: ClosingAwareService {
    private typealias Methods = Nanover_Protocol_Trajectory_TrajectoryService.Method

    let publisher: FramePublisher
    let subscriptions: SubscriptionRegistry
    let maxRequestBytes: Int

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        register(Methods.SubscribeFrames.descriptor, mode: .every, with: &router)
        register(Methods.SubscribeLatestFrames.descriptor, mode: .latest, with: &router)
    }

    private func register<Transport: ServerTransport>(
        _ descriptor: MethodDescriptor, mode: FrameSubscription.Mode, with router: inout RPCRouter<Transport>
    ) {
        router.registerHandler(
            forMethod: descriptor,
            deserializer: DescriptiveProtobufDeserializer<Nanover_Protocol_Trajectory_GetFrameRequest>(maxBytes: maxRequestBytes),
            serializer: PublishedFrameSerializer()
        ) { [publisher, subscriptions] request, _ in
            let single = try await ServerRequest(stream: request)
            let interval = StateService.interval(fromSeconds: single.message.frameInterval)
            return StreamingServerResponse(of: PublishedFrame.self) { writer in
                let subscription = publisher.subscribe(mode, interval: interval)
                do {
                    try await subscriptions.serve(subscription) {
                        while let frame = try await subscription.next() {
                            try await writer.write(frame)
                        }
                    }
                } catch let error as FrameSubscriptionError {
                    throw RPCError(code: .resourceExhausted, message: error.description)
                }
                return [:]
            }
        }
    }

    /// Ends this server's frame streams, each after what is due.
    func serverWillClose() async {
        subscriptions.finishAll()
    }
}
