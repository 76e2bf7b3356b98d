import NanoverCore
import Synchronization

/// A client's local copy of the shared state, kept by its subscriptions,
/// with the change streams that observe it.
final class StateMirror: Sendable {
    private struct Storage {
        var content: NanoverStruct = [:]
        var observers: [UInt64: AsyncThrowingStream<StateChange, any Error>.Continuation] = [:]
        var eventObservers: [UInt64: AsyncStream<SubscriptionEvent>.Continuation] = [:]
        var nextObserverID: UInt64 = 0
        /// Set once the mirror stops changing: nil error for a normal end.
        var ending: Result<Void, any Error>?
    }

    private let storage = Mutex(Storage())

    func withLockedContent<Result, Failure: Error>(
        _ body: (borrowing NanoverStruct) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try storage.withLock { (storage) throws(Failure) -> sending Result in
            try body(storage.content)
        }
    }

    func copy() -> NanoverStruct {
        storage.withLock { $0.content }
    }

    /// Applies a change and tells every observer, in order.
    func apply(_ change: StateChange) {
        storage.withLock { storage in
            change.apply(to: &storage.content)
            for observer in storage.observers.values {
                observer.yield(change)
            }
        }
    }

    /// Replaces the whole content, telling observers the difference as one
    /// change: every key of `state` set, every key it lacks removed.
    func replace(with state: NanoverStruct) {
        storage.withLock { storage in
            let vanished = Set(storage.content.keys).subtracting(state.keys)
            storage.content = state
            let change = StateChange(updates: state, removals: vanished)
            for observer in storage.observers.values {
                observer.yield(change)
            }
        }
    }

    /// Tells event observers what happened to the subscription.
    func emit(_ event: SubscriptionEvent) {
        storage.withLock { storage in
            for observer in storage.eventObservers.values {
                observer.yield(event)
            }
        }
    }

    /// Subscription events from now on, until the mirror stops.
    func events() -> AsyncStream<SubscriptionEvent> {
        let (stream, continuation) = AsyncStream<SubscriptionEvent>.makeStream()
        let ended = storage.withLock { storage in
            guard storage.ending == nil else { return true }
            let id = storage.nextObserverID
            storage.nextObserverID += 1
            storage.eventObservers[id] = continuation
            continuation.onTermination = { [weak self] _ in
                self?.removeEventObserver(id)
            }
            return false
        }
        if ended {
            continuation.finish()
        }
        return stream
    }

    private func removeEventObserver(_ id: UInt64) {
        _ = storage.withLock { $0.eventObservers.removeValue(forKey: id) }
    }

    /// A stream of every change applied from now on. It finishes when the
    /// mirror stops: normally when the client closes or the server ends the
    /// subscription, with the error when the subscription fails.
    func changes() -> AsyncThrowingStream<StateChange, any Error> {
        let (stream, continuation) = AsyncThrowingStream<StateChange, any Error>.makeStream()
        let ended: Result<Void, any Error>? = storage.withLock { storage in
            if let ending = storage.ending {
                return ending
            }
            let id = storage.nextObserverID
            storage.nextObserverID += 1
            storage.observers[id] = continuation
            continuation.onTermination = { [weak self] _ in
                self?.removeObserver(id)
            }
            return nil
        }
        if let ended {
            continuation.finish(throwing: Self.error(of: ended))
        }
        return stream
    }

    private func removeObserver(_ id: UInt64) {
        _ = storage.withLock { $0.observers.removeValue(forKey: id) }
    }

    /// Finishes every change stream, with `error` if given, and every
    /// event stream. Later calls change nothing.
    func end(error: (any Error)?) {
        let (observers, eventObservers) = storage.withLock { storage in
            if storage.ending == nil {
                storage.ending = error.map { .failure($0) } ?? .success(())
            }
            defer {
                storage.observers = [:]
                storage.eventObservers = [:]
            }
            return (Array(storage.observers.values), Array(storage.eventObservers.values))
        }
        for observer in observers {
            observer.finish(throwing: error)
        }
        for observer in eventObservers {
            observer.finish()
        }
    }

    private static func error(of ending: Result<Void, any Error>) -> (any Error)? {
        if case .failure(let error) = ending { return error }
        return nil
    }
}
