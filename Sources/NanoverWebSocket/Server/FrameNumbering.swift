import Synchronization

/// The 2026 hub numbers the frames its clients publish itself: a reset
/// (index 0) stays 0 and starts the count again, any other frame gets the
/// next number, whatever index the client gave.
final class FrameNumbering: Sendable {
    private let last = Mutex<UInt32>(0)

    /// The index to publish a client's frame sent with `index` under.
    func number(_ index: UInt32) -> UInt32 {
        last.withLock { last in
            last = index == 0 ? 0 : last &+ 1
            return last
        }
    }
}
