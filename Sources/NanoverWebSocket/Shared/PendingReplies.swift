import NanoverMessagePack
import Synchronization

/// The requests one side of a 2026 connection has sent and awaits replies
/// to, by the id it chose from its own counter: the hub's requests to a
/// client that registered a command, and a client's requests to the hub.
///
/// A reply may come before its caller starts waiting (the write returns
/// after the peer has answered): it is kept until then. Replies to ids not
/// awaited are ignored. Once ended, every waiting and later call fails
/// with the ending's error.
final class PendingReplies<Value: Sendable>: Sendable {
    private struct State {
        var nextID: Int64 = 1
        /// Ids sent and not yet answered to their caller.
        var expected: Set<Int64> = []
        /// Replies that came before their caller waited.
        var early: [Int64: Result<Value, any Error>] = [:]
        var waiting: [Int64: CheckedContinuation<Value, any Error>] = [:]
        var ending: (any Error)?
    }

    private let state = Mutex(State())

    init() {}

    /// A fresh id, whose reply is awaited from now on.
    ///
    /// - Throws: the ending's error, once ended.
    func reserve() throws -> Int64 {
        try state.withLock { state in
            if let ending = state.ending { throw ending }
            defer { state.nextID += 1 }
            state.expected.insert(state.nextID)
            return state.nextID
        }
    }

    /// Forgets an id whose request was never sent.
    func abandon(_ id: Int64) {
        let waiter = state.withLock { state in
            state.expected.remove(id)
            state.early[id] = nil
            return state.waiting.removeValue(forKey: id)
        }
        waiter?.resume(throwing: CancellationError())
    }

    /// Takes the reply to `id`; ignored if nothing awaits it.
    func answer(_ id: Int64, with result: Result<Value, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard state.expected.contains(id) else { return nil }
            guard let waiter = state.waiting.removeValue(forKey: id) else {
                state.early[id] = result
                return nil
            }
            state.expected.remove(id)
            return waiter
        }
        waiter?.resume(with: result)
    }

    /// Waits for the reply to `id`. A cancelled caller stops waiting with
    /// `CancellationError`, and a later reply is ignored.
    func wait(for id: Int64) async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let settled = state.withLock { state -> Result<Value, any Error>? in
                    if let early = state.early.removeValue(forKey: id) {
                        state.expected.remove(id)
                        return early
                    }
                    if let ending = state.ending { return .failure(ending) }
                    if Task.isCancelled || !state.expected.contains(id) { return .failure(CancellationError()) }
                    state.waiting[id] = continuation
                    return nil
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            abandon(id)
        }
    }

    /// Fails every waiting call, and every later one, with `error`. Only
    /// the first ending counts.
    func end(throwing error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard state.ending == nil else { return [] }
            state.ending = error
            defer {
                state.waiting = [:]
                state.expected = []
                state.early = [:]
            }
            return Array(state.waiting.values)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// The id of an echoed request map, if it holds a whole number.
    static func id(of request: MessagePackValue) -> Int64? {
        guard case .map(let fields) = request, let value = fields.last(where: { $0.0 == .string("id") })?.1 else { return nil }
        switch value {
        case .int(let number): return number
        case .uint(let number): return Int64(exactly: number)
        default: return nil
        }
    }
}
