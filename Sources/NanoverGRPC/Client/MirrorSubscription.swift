/// A client's subscription keeping its mirror of the shared state, as
/// ``NanoverClient/subscribeAllStateUpdates(interval:resubscribe:)``
/// returns it.
public final class MirrorSubscription: Sendable {
    /// The minimum spacing asked of the server.
    public let interval: Duration
    private let task: Task<Void, Never>
    private let ended: Flag

    init(interval: Duration, loop: MirrorSubscriptionLoop) {
        self.interval = interval
        let ended = Flag()
        self.ended = ended
        // Kept here; cancel() and the client's close() cancel and await it.
        task = Task {
            await loop.run()
            ended.set()
        }
    }

    /// Whether it still keeps the mirror (or tries to, with a resubscribe
    /// policy): false once cancelled or ended for good.
    public var isActive: Bool {
        !task.isCancelled && !ended.isSet
    }

    /// Stops keeping the mirror, which keeps the last state it saw, and
    /// waits until the stream is closed. Idempotent.
    public func cancel() async {
        task.cancel()
        await task.value
    }

    /// Waits until the subscription ends for good.
    public func waitUntilEnded() async {
        await task.value
    }
}
