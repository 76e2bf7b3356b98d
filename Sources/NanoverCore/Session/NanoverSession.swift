/// One NanoVer session, free of any networking: the shared state, the
/// commands and the simulation's frames that every protocol adapter serves.
///
/// Create the session, seed its state and register its commands, then start
/// adapters over it (`NanoverServer` in `NanoverGRPC`,
/// `NanoverWebSocketServer` in `NanoverWebSocket`, or both); they all serve
/// the same session, so a change made through one reaches the clients of
/// every other. See <doc:EmbeddingASession>.
///
/// ```swift
/// let session = NanoverSession()
/// try session.commands.register("hello") { _ in ["greeting": "hi"] }
/// try session.state.update(StateChange(updates: ["scene": "water"]))
/// ```
///
/// Whoever creates a session closes it, after the adapters serving it.
public final class NanoverSession: Sendable {
    /// The shared state: every adapter's state service and subscriptions.
    public let state: StateEngine
    /// The commands clients of every adapter can list and run.
    public let commands: CommandRegistry
    /// The simulation's frames: publish with ``FramePublisher/send(frameIndex:frame:)``.
    public let frames: FramePublisher

    /// A new, empty session.
    ///
    /// - Parameters:
    ///   - clock: The time source for lock expiry, subscription pacing and
    ///     frames' ``FrameKey/serverTimestamp``. A server adapter may offer
    ///     one whose sleeps are cheaper on its threads (the gRPC module's
    ///     `EventLoopClock`); tests use a manual one (`ManualClock` in
    ///     `NanoverTesting`).
    ///   - limits: How large the state may grow.
    public init(clock: any MonotonicClock = SystemClock(), limits: StateLimits = .standard) {
        state = StateEngine(clock: clock, limits: limits)
        commands = CommandRegistry()
        frames = FramePublisher(clock: clock)
    }

    /// Freezes the state and the frames: every subscription, of every
    /// adapter, delivers what is pending and ends, and no change or frame
    /// lands any more. Idempotent.
    public func close() {
        state.close()
        frames.close()
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool {
        state.isClosed
    }
}
