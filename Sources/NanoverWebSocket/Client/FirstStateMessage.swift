import NanoverCore
import Synchronization

/// Whether a client's first state message (the whole state) has come, for
/// those who wait for it.
final class FirstStateMessage: Sendable {
    private struct State {
        var arrived = false
        var ending: (any Error)?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    var hasArrived: Bool { state.withLock { $0.arrived } }

    func arrived() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.arrived else { return [] }
            state.arrived = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// No first message will come: waiters fail with `error`.
    func end(throwing error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.ending == nil { state.ending = error }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the first message has come.
    ///
    /// - Throws: the ending's error if the connection ended before it;
    ///   `CancellationError` if the task is cancelled.
    func wait() async throws {
        while true {
            let id = try state.withLock { state -> UInt64? in
                if state.arrived { return nil }
                if let ending = state.ending { throw ending }
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            guard let id else { return }
            try Task.checkCancellation()
            await suspend(
                register: { continuation in
                    state.withLock { state in
                        if state.arrived || state.ending != nil { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                },
                unregister: { self.state.withLock { $0.waiters.removeValue(forKey: id) } })
        }
    }
}
