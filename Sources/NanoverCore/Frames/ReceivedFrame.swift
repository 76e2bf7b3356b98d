/// A frame as a client receives it: its index (0 for a reset) and content.
public struct ReceivedFrame: Sendable, Hashable {
    /// 0 for a reset: a new simulation or topology.
    public var index: UInt32
    /// The frame's content: what changed since the previous frame, or for
    /// a subscription's first message everything since the last reset.
    public var frame: Frame

    /// A received frame.
    ///
    /// - Parameters:
    ///   - index: The frame's index; 0 for a reset.
    ///   - frame: Its content.
    public init(index: UInt32, frame: Frame) {
        self.index = index
        self.frame = frame
    }

    /// Whether this frame starts afresh (index 0).
    public var isReset: Bool { index == 0 }

    /// Folds a later frame into this one, as a subscriber of the latest
    /// frames receives them: keys merged, the later index kept, and a reset
    /// never hidden. A later reset replaces what came before it; a reset
    /// followed by more frames stays a reset (index 0) carrying them all.
    ///
    /// - Parameter later: The frame received after this one.
    public mutating func fold(_ later: ReceivedFrame) {
        if later.isReset {
            self = later
        } else {
            frame.merge(later.frame)
            if !isReset {
                index = later.index
            }
        }
    }
}
