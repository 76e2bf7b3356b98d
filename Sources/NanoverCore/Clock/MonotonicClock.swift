/// The time source of the state engine: lock expiry and subscription pacing
/// read it. Injectable, so that tests drive time by hand instead of sleeping.
public protocol MonotonicClock: Sendable {
    /// Time elapsed since an arbitrary fixed origin; never goes backwards.
    var now: Duration { get }

    /// Suspends until ``now`` reaches `deadline`.
    ///
    /// - Throws: `CancellationError` if the task is cancelled first.
    func sleep(until deadline: Duration) async throws
}

/// Real monotonic time (`ContinuousClock`), measured from when the clock was
/// made.
public struct SystemClock: MonotonicClock {
    private let origin: ContinuousClock.Instant

    public init() {
        origin = .now
    }

    public var now: Duration {
        origin.duration(to: .now)
    }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin.advanced(by: deadline), tolerance: nil)
    }
}
