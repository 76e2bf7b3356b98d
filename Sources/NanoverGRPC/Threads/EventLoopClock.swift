import NIOCore
import NIOPosix
import NanoverCore

/// Real monotonic time whose sleeps, on an event loop thread, are timers of
/// that loop.
///
/// A subscription paced at 30 Hz sleeps 30 times a second. Swift's own
/// clock sleeps through Dispatch: a timer on another thread, whose wake-up
/// then has to come back to the loop. On a small machine, with a hundred
/// paced subscribers, that round trip cost about a tenth of the server's
/// CPU; the loop's own timer costs a heap entry. Off an event loop this is
/// ``/NanoverCore/SystemClock``.
public struct EventLoopClock: MonotonicClock {
    private let system = SystemClock()

    /// The clock; it keeps no state, so any number may be made.
    public init() {}

    public var now: Duration { system.now }

    public func sleep(until deadline: Duration) async throws {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
            return try await system.sleep(until: deadline)
        }
        try Task.checkCancellation()
        let delay = TimeAmount(deadline - now)
        guard delay > .zero else { return }
        let timer = loop.scheduleTask(in: delay) {}
        try await withTaskCancellationHandler {
            do {
                try await timer.futureResult.get()
            } catch EventLoopError.cancelled {
                throw CancellationError()
            }
        } onCancel: {
            timer.cancel()
        }
    }
}
