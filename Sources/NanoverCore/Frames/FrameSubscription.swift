/// Why a frame subscription ended early.
public enum FrameSubscriptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A subscriber of every frame fell further behind than the publisher
    /// keeps frames for.
    case fellBehind(limit: Int)

    public var description: String {
        switch self {
        case .fellBehind(let limit):
            return "the subscriber fell more than \(limit) frames behind the simulation"
        }
    }
}

/// A subscriber's stream of frames: the merged current frame first, then
/// frames as its ``Mode`` says, paced by its interval.
///
/// Iterate it with `for try await`, or call ``next()``. It ends after the
/// publisher closes (once what is due is sent) or when ``cancel()`` is
/// called; dropping the last reference cancels it too.
public final class FrameSubscription: AsyncSequence, Sendable {
    public typealias Element = PublishedFrame
    public typealias Failure = FrameSubscriptionError

    /// What a subscriber is sent after its first message.
    public enum Mode: Sendable, Hashable {
        /// Every frame published, in order, one per message
        /// (`SubscribeFrames`).
        case every
        /// The frames published since the previous message, merged into one
        /// carrying the latest index (`SubscribeLatestFrames`). A reset is
        /// never hidden: the merge then starts from the last reset and
        /// carries index 0.
        case latest
    }

    let id: UInt64
    /// What the subscriber is sent after its first message: every frame,
    /// or the latest merged.
    public let mode: Mode
    let publisher: FramePublisher

    init(id: UInt64, mode: Mode, publisher: FramePublisher) {
        self.id = id
        self.mode = mode
        self.publisher = publisher
    }

    deinit {
        publisher.removeSubscriber(id)
    }

    /// The next message, or nil once the subscription has ended. Returns
    /// nil at once if the calling task is cancelled.
    ///
    /// - Throws: ``FrameSubscriptionError/fellBehind(limit:)``.
    public func next() async throws(FrameSubscriptionError) -> PublishedFrame? {
        try await publisher.nextFrame(for: id)
    }

    /// Ends after delivering what is due, at once, whatever the interval;
    /// frames sent later are not delivered. Idempotent.
    public func finish() {
        publisher.finishSubscriber(id)
    }

    /// Leaves: nothing more is delivered. Idempotent.
    public func cancel() {
        publisher.removeSubscriber(id)
    }

    /// Reads the subscription: each iterator takes messages from the same
    /// subscription, so two iterators share them.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: FrameSubscription

        /// The subscription's next message (see ``FrameSubscription/next()``).
        ///
        /// - Throws: ``FrameSubscriptionError/fellBehind(limit:)``.
        public mutating func next() async throws(FrameSubscriptionError) -> PublishedFrame? {
            try await subscription.next()
        }
    }

    /// An iterator over the subscription's messages.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self)
    }
}

/// What the publisher knows of one subscriber. Guarded by its lock.
struct FrameSubscriberRecord {
    let mode: FrameSubscription.Mode
    let interval: Duration
    /// The sequence of the last frame its messages covered (at
    /// subscription, the last one sent then).
    var seen: UInt64
    /// The first message, the merged frame as it was at subscription, until
    /// it has gone out; nil if no frame had been sent then.
    var first: PublishedFrame?
    var lastSent: Duration?
    /// Deliver what is due at once, then end.
    var finishing = false

    init(mode: FrameSubscription.Mode, interval: Duration, seen: UInt64, first: PublishedFrame?) {
        self.mode = mode
        self.interval = interval
        self.seen = seen
        self.first = first
    }
}
