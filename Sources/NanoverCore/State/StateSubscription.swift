/// A subscriber's stream of state changes: the whole state first, then each
/// batch of coalesced changes, paced by the subscription's interval.
///
/// Iterate it with `for await`, or call ``next()``. It ends after the engine
/// closes (once pending changes are delivered), after ``finish()``, or when
/// ``cancel()`` is called; dropping the last reference cancels it too.
/// Several tasks may read it at once: each message goes to one of them.
public final class StateSubscription: AsyncSequence, Sendable {
    /// Each message: the keys changed since the previous one.
    public typealias Element = SubscriptionUpdate

    private let id: UInt64
    private let engine: StateEngine

    /// The minimum time between two messages.
    public let interval: Duration

    init(id: UInt64, interval: Duration, engine: StateEngine) {
        self.id = id
        self.interval = interval
        self.engine = engine
    }

    deinit {
        engine.removeSubscriber(id)
    }

    /// How many keys are waiting to be delivered.
    public var pendingKeyCount: Int { engine.backlog(of: id) }

    /// The next batch of changes, or nil once the subscription has ended.
    /// Returns nil at once if the calling task is cancelled.
    public func next() async -> SubscriptionUpdate? {
        await engine.nextUpdate(for: id)
    }

    /// Ends after delivering what is pending, at once, whatever the
    /// interval; changes made later are not delivered. Idempotent.
    public func finish() {
        engine.endSubscriber(id, .finish)
    }

    /// Leaves: nothing more is delivered and the engine forgets this
    /// subscription. Idempotent.
    public func cancel() {
        engine.removeSubscriber(id)
    }

    /// Reads the subscription: each iterator takes messages from the same
    /// subscription, so two iterators share them.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: StateSubscription

        /// The subscription's next message (see ``StateSubscription/next()``).
        public mutating func next() async -> SubscriptionUpdate? {
            await subscription.next()
        }
    }

    /// An iterator over the subscription's messages.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self)
    }
}
