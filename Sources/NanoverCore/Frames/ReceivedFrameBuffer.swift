import Synchronization

/// The frames a client's subscription has received and its reader has not
/// yet taken, bounded whatever the reader does: every frame, in order, up
/// to a limit (past it the reader is told it fell behind), or the latest
/// frames folded into one (``ReceivedFrame/fold(_:)``, which never hides a
/// reset). Any protocol's client fills one from its stream.
package final class ReceivedFrameBuffer: Sendable {
    private struct State {
        var queue: [ReceivedFrame] = []
        var head = 0
        var ending: Ending?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0

        var isEmpty: Bool { head == queue.count }

        mutating func takeFirst() -> ReceivedFrame {
            let frame = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return frame
        }

        mutating func wakeAll() -> [CheckedContinuation<Void, Never>] {
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
    }

    private enum Ending {
        case finished
        case failed(any Error)
    }

    private enum Step {
        case deliver(ReceivedFrame)
        case end
        case fail(any Error)
        case wait
    }

    let mode: FrameSubscription.Mode
    /// How many frames a reader of every frame may leave untaken.
    let limit: Int
    private let state = Mutex(State())

    package init(mode: FrameSubscription.Mode, limit: Int = FramePublisher.defaultBacklogLimit) {
        self.mode = mode
        self.limit = max(1, limit)
    }

    /// Adds a received frame; ignored once the buffer has ended.
    package func push(_ frame: ReceivedFrame) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.ending == nil else { return [] }
            switch mode {
            case .latest where !state.isEmpty:
                state.queue[state.head].fold(frame)
            case .every where state.queue.count - state.head >= limit:
                state.queue.removeAll()
                state.head = 0
                state.ending = .failed(FrameSubscriptionError.fellBehind(limit: limit))
            default:
                state.queue.append(frame)
            }
            return state.wakeAll()
        }
        woken.forEach { $0.resume() }
    }

    /// Ends the buffer once what it holds has been taken: then with `error`
    /// if one is given. Only the first ending counts.
    package func finish(throwing error: (any Error)? = nil) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.ending == nil {
                state.ending = error.map(Ending.failed) ?? .finished
            }
            return state.wakeAll()
        }
        woken.forEach { $0.resume() }
    }

    /// Drops what it holds and ends at once, without an error.
    package func cancel() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.queue.removeAll()
            state.head = 0
            state.ending = .finished
            return state.wakeAll()
        }
        woken.forEach { $0.resume() }
    }

    /// The next frame; nil once the buffer has ended (or the calling task
    /// is cancelled). An ending's error is thrown once, then nil follows.
    package func next() async throws -> ReceivedFrame? {
        while true {
            let step = state.withLock { state -> Step in
                if !state.isEmpty { return .deliver(state.takeFirst()) }
                switch state.ending {
                case .finished?: return .end
                case .failed(let error)?:
                    state.ending = .finished
                    return .fail(error)
                case nil: return .wait
                }
            }
            switch step {
            case .deliver(let frame): return frame
            case .end: return nil
            case .fail(let error): throw error
            case .wait: break
            }
            if Task.isCancelled { return nil }
            let id = state.withLock { state in
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            await suspend(
                register: { continuation in
                    state.withLock { state in
                        if !state.isEmpty || state.ending != nil { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                },
                unregister: { self.state.withLock { $0.waiters.removeValue(forKey: id) } })
        }
    }
}
