#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The time source of the state engine: lock expiry and subscription pacing
/// read it. Injectable, so that tests drive time by hand instead of sleeping.
public protocol MonotonicClock: Sendable {
    /// Time elapsed since an arbitrary fixed origin; never goes backwards.
    var now: Duration { get }

    /// Suspends until ``now`` reaches `deadline`.
    ///
    /// - Parameter deadline: A time on this clock, as ``now`` gives it.
    /// - Throws: `CancellationError` if the task is cancelled first.
    func sleep(until deadline: Duration) async throws
}

/// The system's monotonic time: `CLOCK_MONOTONIC`, the clock Python's
/// `time.monotonic()` reads. Frames carry it as their server timestamp, so
/// a client on the same machine, reading the same clock, can tell how long
/// a frame took to reach it (and compare with the reference, which stamps
/// frames the same way).
public struct SystemClock: MonotonicClock {
    /// The system's monotonic clock. It holds nothing: every instance reads
    /// the same clock.
    public init() {}

    /// Time since an arbitrary origin (usually the machine's boot), read
    /// from `CLOCK_MONOTONIC` to the nanosecond.
    public var now: Duration {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }

    /// Suspends until ``now`` reaches `deadline`; returns at once when it
    /// has already.
    ///
    /// - Parameter deadline: A time on this clock, as ``now`` gives it.
    /// - Throws: `CancellationError` when the task is cancelled, before or
    ///   while it sleeps.
    public func sleep(until deadline: Duration) async throws {
        try Task.checkCancellation()
        let delay = deadline - now
        guard delay > .zero else { return }
        // The suspending clock is the monotonic one on Linux and Darwin.
        try await Task.sleep(for: delay, tolerance: nil, clock: .suspending)
    }
}
