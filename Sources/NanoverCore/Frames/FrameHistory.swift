/// What a client keeps of the frames it receives, as the reference client
/// does: the latest frame, the first frame since the last reset, and the
/// merged current frame, started afresh on every reset.
public struct FrameHistory: Sendable, Hashable {
    /// The frame received last, if any.
    public private(set) var latest: ReceivedFrame?
    /// The first frame received since the last reset (the reset itself when
    /// one was received), if any.
    public private(set) var first: Frame?
    /// Every frame since the last reset, merged key by key: the simulation
    /// as it stands. Empty before any frame.
    public private(set) var current = Frame()
    /// How many frames were received.
    public private(set) var count = 0

    /// A history of no frames: nothing latest, nothing first, an empty
    /// current frame.
    public init() {}

    /// Takes one received frame in: a reset (index 0) starts the first and
    /// current frames afresh from it; any other frame is merged into the
    /// current one.
    ///
    /// - Parameter received: The frame, as the subscription delivered it.
    public mutating func receive(_ received: ReceivedFrame) {
        if first == nil || received.isReset {
            first = received.frame
        }
        if received.isReset {
            current = received.frame
        } else {
            current.merge(received.frame)
        }
        latest = received
        count += 1
    }
}
