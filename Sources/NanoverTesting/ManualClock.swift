public import NanoverCore
import Synchronization

/// A clock that moves only when told to: for tests of lock expiry and of
/// subscription pacing that must not depend on the machine's speed.
///
/// Give it to a session (`NanoverSession(clock:)`) and time stands still
/// until ``advance(by:)``: a lock taken for five seconds lapses exactly when
/// the clock has been advanced five seconds, and a paced subscription's
/// next message waits, suspended in ``sleep(until:)``, until the clock
/// reaches its time. ``sleeperCount`` tells a test when a task has reached
/// that wait, so it can advance the clock knowing what it will wake.
///
/// Safe to use from any thread or task.
public final class ManualClock: MonotonicClock {
    private struct Sleeper {
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [UInt64: Sleeper] = [:]
        var nextSleeperID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A clock at time zero, with nobody waiting.
    public init() {}

    /// The time since the clock was made: the sum of every ``advance(by:)``.
    public var now: Duration {
        state.withLock { $0.now }
    }

    /// How many tasks are suspended in ``sleep(until:)`` now.
    public var sleeperCount: Int {
        state.withLock { $0.sleepers.count }
    }

    /// Moves time forward by `duration` and wakes every sleeper whose
    /// deadline has come. The sleepers resume after the clock has moved,
    /// on their own tasks: a test that needs what they do next waits for it.
    public func advance(by duration: Duration) {
        let woken: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            state.now += duration
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys {
                state.sleepers[id] = nil
            }
            return due.values.map(\.continuation)
        }
        for continuation in woken {
            continuation.resume()
        }
    }

    /// Suspends until ``advance(by:)`` takes ``now`` to `deadline` or past
    /// it; returns at once when it is there already.
    ///
    /// - Throws: `CancellationError` when the task is cancelled, before or
    ///   while it waits.
    public func sleep(until deadline: Duration) async throws {
        let id: UInt64 = state.withLock { state in
            defer { state.nextSleeperID += 1 }
            return state.nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: (any Error)?? = state.withLock { state in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if deadline <= state.now { return .some(nil) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .none
                }
                switch resumeNow {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
