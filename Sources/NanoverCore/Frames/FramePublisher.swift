import Synchronization

/// The frames of a session's simulation, as every protocol adapter serves
/// them: a simulation (or playback) calls ``send(frameIndex:frame:)`` from
/// any thread or task, and subscribers read them paced, each in one of two
/// ways (``FrameSubscription/Mode``).
///
/// On each frame the publisher sets ``FrameKey/serverTimestamp`` (seconds on
/// its clock), and on each reset (index 0) ``FrameKey/simulationCounter``
/// (0 for the first reset, then counting). It keeps the merged current
/// frame, started afresh on each reset, which is every subscription's first
/// message.
///
/// Memory is bounded: the publisher keeps the last ``backlogLimit`` frames.
/// A subscriber of every frame that falls further behind ends with
/// ``FrameSubscriptionError/fellBehind(limit:)``; a subscriber of the latest
/// frames that falls out of the kept frames is sent the merged current frame
/// instead, which says the same.
public final class FramePublisher: Sendable {
    /// How many frames a subscriber of every frame may fall behind by
    /// default: two to four seconds of a simulation at 30 to 60 frames a
    /// second.
    public static let defaultBacklogLimit = 128

    struct Storage {
        /// The last published frames; `log[0]` has sequence `firstSequence`.
        var log: [PublishedFrame] = []
        var firstSequence: UInt64 = 1
        /// The sequence the next published frame gets.
        var nextSequence: UInt64 = 1
        var merged = Frame()
        var lastIndex: UInt32?
        /// The sequence of the last reset; 0 before any.
        var lastResetSequence: UInt64 = 0
        var resets: Int64 = 0
        /// The merged frame as last shared, and the sequence it covers.
        var snapshot: (sequence: UInt64, frame: PublishedFrame)?
        var subscribers: [UInt64: FrameSubscriberRecord] = [:]
        /// Readers waiting for a frame, by subscriber and then by reader.
        var waiters: [UInt64: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        /// Readers sleeping out an interval, to be woken on closing or
        /// finishing, by subscriber and then by reader.
        var closeWaiters: [UInt64: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var nextID: UInt64 = 0
        var closed = false

        mutating func makeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }

        /// The merged current frame as one shared published frame, with
        /// `index` (by default the last one sent), or nil before any frame.
        mutating func current(index: UInt32? = nil) -> PublishedFrame? {
            guard let lastIndex else { return nil }
            let index = index ?? lastIndex
            if let snapshot, snapshot.sequence == nextSequence - 1, snapshot.frame.index == index {
                return snapshot.frame
            }
            let frame = PublishedFrame(index: index, frame: merged)
            snapshot = (nextSequence - 1, frame)
            return frame
        }
    }

    /// The clock of ``FrameKey/serverTimestamp`` and of pacing.
    public let clock: any MonotonicClock
    /// How many frames are kept for subscribers that fall behind.
    public let backlogLimit: Int
    let storage = Mutex(Storage())

    /// A publisher with no frame yet. A session makes its own
    /// (``NanoverSession/frames``), on the session's clock.
    ///
    /// - Parameters:
    ///   - clock: The clock of ``FrameKey/serverTimestamp`` and of pacing.
    ///   - backlogLimit: How many frames to keep for subscribers that fall
    ///     behind (at least 1): a subscriber of every frame further behind
    ///     than this is ended with
    ///     ``FrameSubscriptionError/fellBehind(limit:)``.
    public init(clock: any MonotonicClock = SystemClock(), backlogLimit: Int = FramePublisher.defaultBacklogLimit) {
        self.clock = clock
        self.backlogLimit = max(1, backlogLimit)
    }

    /// Publishes a frame. Index 0 is a reset: the merged frame starts afresh
    /// from it. Ignored once the publisher is closed.
    ///
    /// The indices are the simulation's own: the publisher neither checks
    /// nor renumbers them (a NanoVer simulation counts 1, 2, 3, ... after
    /// each reset). Call it from any thread or task; frames sent from
    /// several at once are published one after another.
    ///
    /// - Parameters:
    ///   - frameIndex: The frame's index; 0 for a reset (a new simulation
    ///     or topology: clients throw away what they had).
    ///   - frame: What changed since the previous frame; for a reset,
    ///     everything (the topology, say). The publisher adds
    ///     ``FrameKey/serverTimestamp``, and on a reset
    ///     ``FrameKey/simulationCounter``.
    /// - Throws: ``NanoverValueError`` for a value nested too deeply for a
    ///   session (nothing is published).
    public func send(frameIndex: UInt32, frame: Frame) throws(NanoverValueError) {
        for value in frame.values.values {
            try value.validate()
        }
        var frame = frame
        frame.values[FrameKey.serverTimestamp] = .double(clock.now.inSeconds)
        let waiters: [CheckedContinuation<Void, Never>] = storage.withLock { storage in
            guard !storage.closed else { return [] }
            if frameIndex == 0 {
                frame.values[FrameKey.simulationCounter] = .int(storage.resets)
                storage.resets += 1
                storage.merged = frame
                storage.lastResetSequence = storage.nextSequence
            } else {
                storage.merged.merge(frame)
            }
            storage.lastIndex = frameIndex
            storage.log.append(PublishedFrame(index: frameIndex, frame: frame))
            storage.nextSequence += 1
            if storage.log.count > backlogLimit {
                storage.log.removeFirst(storage.log.count - backlogLimit)
                storage.firstSequence = storage.nextSequence - UInt64(storage.log.count)
            }
            defer { storage.waiters = [:] }
            return storage.waiters.values.flatMap(\.values)
        }
        SessionMetrics.framesPublished.increment()
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// The merged current frame and the index of the last frame sent; nil
    /// before any frame.
    public var currentFrame: PublishedFrame? {
        storage.withLock { $0.current() }
    }

    /// A new subscription: first the merged current frame (if any frame has
    /// been sent), then the frames sent after it as `mode` says, never two
    /// messages closer than `interval`.
    ///
    /// - Parameters:
    ///   - mode: Every frame, or the latest ones merged.
    ///   - interval: The least time between two messages; zero for no
    ///     pacing.
    /// - Returns: The subscription; it lasts until it is cancelled,
    ///   dropped, or the publisher closes.
    public func subscribe(_ mode: FrameSubscription.Mode, interval: Duration = .zero) -> FrameSubscription {
        let id = storage.withLock { storage in
            let id = storage.makeID()
            storage.subscribers[id] = FrameSubscriberRecord(
                mode: mode, interval: max(interval, .zero), seen: storage.nextSequence - 1, first: storage.current())
            return id
        }
        return FrameSubscription(id: id, mode: mode, publisher: self)
    }

    /// How many subscriptions are open now.
    public var subscriptionCount: Int {
        storage.withLock { $0.subscribers.count }
    }

    /// How many published frames are kept now for subscribers that are
    /// behind: never more than ``backlogLimit``, whoever stops reading.
    public var keptFrameCount: Int {
        storage.withLock { $0.log.count }
    }

    /// Ends every subscription once it has sent what is already due, and
    /// ignores frames sent later. Idempotent.
    public func close() {
        let waiters: [CheckedContinuation<Void, Never>] = storage.withLock { storage in
            storage.closed = true
            defer {
                storage.waiters = [:]
                storage.closeWaiters = [:]
            }
            return storage.waiters.values.flatMap(\.values) + storage.closeWaiters.values.flatMap(\.values)
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}
