/// How a client retries a lost state subscription: after a delay that grows
/// from ``initialDelay`` by ``multiplier`` up to ``maximumDelay``, and
/// starts again from ``initialDelay`` once a subscription has delivered.
public struct ResubscribePolicy: Sendable, Hashable {
    /// The wait before the first attempt after a loss.
    public var initialDelay: Duration
    /// The longest wait between two attempts, however many have failed.
    public var maximumDelay: Duration
    /// What each failed attempt multiplies the wait by.
    public var multiplier: Double

    /// A policy of waits from `initialDelay`, multiplied by `multiplier`
    /// after each failed attempt, never longer than `maximumDelay`: by
    /// default 0.1 s, 0.2 s, 0.4 s, ... up to 5 s.
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
