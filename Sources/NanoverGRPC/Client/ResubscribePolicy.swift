/// How a client retries a lost state subscription: after a delay that grows
/// from ``initialDelay`` by ``multiplier`` up to ``maximumDelay``, and
/// starts again from ``initialDelay`` once a subscription has delivered.
public struct ResubscribePolicy: Sendable, Hashable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    public var multiplier: Double

    public init(
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(5),
        multiplier: Double = 2
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
    }

    /// The delay before retry number `attempt` (0 for the first).
    public func delay(beforeAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 0..<attempt {
            delay = delay * multiplier
            if delay >= maximumDelay {
                return maximumDelay
            }
        }
        return min(delay, maximumDelay)
    }
}
