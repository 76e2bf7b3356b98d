import Synchronization

/// One subscriber's view of the state: the latest change of every key since
/// its previous message, and the pacing of its messages.
///
/// The engine pushes changes in under its own lock; the subscriber pulls
/// them out with ``next()``. Changes to the same key coalesce, so the memory
/// of a subscriber that never reads is bounded by the number of keys, never
/// by the number of changes.
final class ChangeBuffer: Sendable {
    private struct State {
        var pending: [String: KeyChange]
        /// No change will come any more: flush what is pending, then end.
        var frozen: Bool
        /// The subscriber left: end at once.
        var cancelled = false
        /// When the previous message went out; nil before the first.
        var lastSent: Duration?
        /// A subscriber waiting for a change.
        var changeWaiter: CheckedContinuation<Void, Never>?
        /// A subscriber sleeping out its interval, to be woken early on freeze.
        var endWaiter: CheckedContinuation<Void, Never>?

        var isEnding: Bool { frozen || cancelled }
    }

    let id: UInt64
    let interval: Duration
    private let clock: any MonotonicClock
    private let state: Mutex<State>

    init(id: UInt64, interval: Duration, clock: any MonotonicClock, initial: [String: KeyChange], frozen: Bool) {
        self.id = id
        self.interval = interval
        self.clock = clock
        self.state = Mutex(State(pending: initial, frozen: frozen))
    }

    /// Folds a change in: each key keeps only its latest value or removal.
    func enqueue(_ changes: [String: KeyChange]) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.isEnding else { return nil }
            if state.pending.isEmpty {
                state.pending = changes
            } else {
                state.pending.merge(changes) { _, latest in latest }
            }
            return state.changeWaiter.take()
        }
        waiter?.resume()
    }

    /// No more changes will come; what is pending goes out at once, then the
    /// subscription ends.
    func freeze() {
        end { $0.frozen = true }
    }

    /// The subscriber has left; nothing more goes out.
    func cancel() {
        end { state in
            state.cancelled = true
            state.pending = [:]
        }
    }

    private func end(_ mark: (inout State) -> Void) {
        let waiters = state.withLock { state in
            mark(&state)
            return [state.changeWaiter.take(), state.endWaiter.take()]
        }
        for waiter in waiters {
            waiter?.resume()
        }
    }

    var pendingKeyCount: Int {
        state.withLock { $0.pending.count }
    }

    /// The next message: everything changed since the previous one. Waits
    /// until something has changed, and until `interval` has passed since the
    /// previous message; the first message and the final flush on freeze go
    /// out at once. Returns nil when the subscription has ended.
    func next() async -> [String: KeyChange]? {
        if interval > .zero, let lastSent = state.withLock({ $0.isEnding ? nil : $0.lastSent }) {
            let earliest = lastSent + interval
            if clock.now < earliest {
                await sleepUnlessEnding(until: earliest)
            }
        }
        while true {
            if Task.isCancelled {
                return nil
            }
            let flushed: [String: KeyChange]?? = state.withLock { state in
                if state.cancelled {
                    return .some(nil)
                }
                if !state.pending.isEmpty {
                    state.lastSent = clock.now
                    return .some(state.pending.take())
                }
                return state.frozen ? .some(nil) : .none
            }
            if let flushed {
                return flushed
            }
            await waitForChange()
        }
    }

    private func waitForChange() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if !state.pending.isEmpty || state.isEnding || Task.isCancelled {
                        return true
                    }
                    state.changeWaiter = continuation
                    return false
                }
                if ready {
                    continuation.resume()
                }
            }
        } onCancel: {
            state.withLock { $0.changeWaiter.take() }?.resume()
        }
    }

    /// Sleeps until `deadline`, or less if the buffer freezes or is cancelled
    /// meanwhile, so that closing never waits out a long interval.
    private func sleepUnlessEnding(until deadline: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [clock] in
                try? await clock.sleep(until: deadline)
            }
            group.addTask {
                await self.waitUntilEnding()
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilEnding() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ended = state.withLock { state in
                    if state.isEnding || Task.isCancelled {
                        return true
                    }
                    state.endWaiter = continuation
                    return false
                }
                if ended {
                    continuation.resume()
                }
            }
        } onCancel: {
            state.withLock { $0.endWaiter.take() }?.resume()
        }
    }
}

extension Dictionary {
    /// Returns the dictionary and leaves an empty one in its place.
    fileprivate mutating func take() -> Self {
        defer { self = [:] }
        return self
    }
}
