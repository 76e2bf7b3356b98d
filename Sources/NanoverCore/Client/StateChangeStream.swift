import Synchronization

/// The changes a client's mirror applies, as an `AsyncSequence` that never
/// holds more than one pending change: for a reader slower than the
/// updates, changes are merged key by key (latest value wins, as the
/// server coalesces for a slow subscriber), so memory stays bounded by the
/// number of keys, never by how far the reader is behind.
///
/// It begins with the mirror's content when it was made (as one change
/// setting every key), so whenever it is made, nothing is missed: content
/// then changes. It finishes when the client closes or the subscription
/// ends for good, throwing the error if it failed. Several tasks may read
/// it at once: each change goes to one of them.
public struct StateChangeStream: AsyncSequence, Sendable {
    /// Each element is one change, or several merged for a slow reader.
    public typealias Element = StateChange
    /// The error the client's subscription failed with, if it failed.
    public typealias Failure = any Error

    let buffer: StateChangeBuffer

    package init(buffer: StateChangeBuffer) {
        self.buffer = buffer
    }

    /// Reads the stream: every iterator takes changes from the same
    /// buffer, so two iterators share them.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: StateChangeBuffer

        /// The next change, waiting for one; nil once the stream has
        /// finished, or at once if the calling task is cancelled.
        ///
        /// - Throws: The error the subscription failed with, once what was
        ///   pending has been read.
        public mutating func next() async throws -> StateChange? {
            try await buffer.next()
        }
    }

    /// An iterator over the stream's changes.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer)
    }
}

/// The shared buffer behind a ``StateChangeStream``: one merged pending
/// change, the readers waiting for it, and how the stream ended.
package final class StateChangeBuffer: Sendable {
    private typealias Waiter = CheckedContinuation<StateChange?, any Error>

    private struct Storage {
        var pending: StateChange?
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
        var ending: Result<Void, any Error>?
    }

    private let storage = Mutex(Storage())

    package init() {}

    /// Adds a change, merged into any pending one; hands it to a waiting
    /// reader if there is one.
    package func yield(_ change: StateChange) {
        let handOver: (Waiter, StateChange)? = storage.withLock { storage in
            guard storage.ending == nil else { return nil }
            if var pending = storage.pending {
                pending.merge(change)
                storage.pending = pending
            } else {
                storage.pending = change
            }
            guard let id = storage.waiters.keys.min(), let waiter = storage.waiters.removeValue(forKey: id),
                  let pending = storage.pending.take()
            else { return nil }
            return (waiter, pending)
        }
        if let (waiter, change) = handOver {
            waiter.resume(returning: change)
        }
    }

    /// Ends the stream once what is pending has been read.
    package func finish(throwing error: (any Error)?) {
        let waiters: [Waiter] = storage.withLock { storage in
            guard storage.ending == nil else { return [] }
            storage.ending = error.map { .failure($0) } ?? .success(())
            defer { storage.waiters = [:] }
            return Array(storage.waiters.values)
        }
        for waiter in waiters {
            // Nothing was pending, or a waiter would have had it.
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    package func next() async throws -> StateChange? {
        let id = storage.withLock { storage in
            defer { storage.nextWaiter += 1 }
            return storage.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let now: Result<StateChange?, any Error>? = storage.withLock { storage in
                    if let pending = storage.pending.take() { return .success(pending) }
                    if Task.isCancelled { return .success(nil) }
                    switch storage.ending {
                    case .success: return .success(nil)
                    case .failure(let error): return .failure(error)
                    case nil:
                        storage.waiters[id] = continuation
                        return nil
                    }
                }
                if let now {
                    continuation.resume(with: now)
                }
            }
        } onCancel: {
            storage.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}
