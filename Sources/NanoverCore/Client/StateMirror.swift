import Synchronization

/// A client's local copy of the shared state, kept by its subscriptions,
/// with the change streams that observe it. Protocol-neutral: every
/// protocol's client keeps one.
package final class StateMirror: Sendable {
    private struct Storage {
        var content: NanoverStruct = [:]
        /// Change streams, held weakly: a stream nobody holds is forgotten.
        var observers: [UInt64: WeakChangeBuffer] = [:]
        var eventObservers: [UInt64: AsyncStream<SubscriptionEvent>.Continuation] = [:]
        var nextObserverID: UInt64 = 0
        /// Set once the mirror stops changing: nil error for a normal end.
        var ending: Result<Void, any Error>?

        /// Yields `change` to every change stream, in the order changes are
        /// applied, and forgets the streams nobody holds any more.
        mutating func tellObservers(_ change: StateChange) {
            for (id, observer) in observers {
                if let buffer = observer.buffer {
                    buffer.yield(change)
                } else {
                    observers[id] = nil
                }
            }
        }
    }

    private let storage = Mutex(Storage())

    package init() {}

    /// Runs `body` under the lock, after making sure the caller is not
    /// inside ``withLockedContent(_:)``: the lock is not re-entrant.
    private func locked<Result, Failure: Error>(
        _ body: (inout Storage) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        LockHolder.checkNotHeld(self, by: "a client's state mirror")
        return try storage.withLock { (storage) throws(Failure) -> sending Result in
            try body(&storage)
        }
    }

    package func withLockedContent<Result: Sendable, Failure: Error>(
        _ body: (NanoverStruct) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try locked { (storage) throws(Failure) -> Result in
            try LockHolder.running(holding: self) { () throws(Failure) -> Result in try body(storage.content) }
        }
    }

    package func copy() -> NanoverStruct {
        locked { $0.content }
    }

    /// Applies a change and tells every observer, in order.
    package func apply(_ change: StateChange) {
        locked { storage in
            change.apply(to: &storage.content)
            storage.tellObservers(change)
        }
    }

    /// Replaces the whole content, telling observers the difference as one
    /// change: every key of `state` set, every key it lacks removed.
    package func replace(with state: NanoverStruct) {
        locked { storage in
            let vanished = Set(storage.content.keys).subtracting(state.keys)
            storage.content = state
            storage.tellObservers(StateChange(updates: state, removals: vanished))
        }
    }

    /// Tells event observers what happened to the subscription.
    package func emit(_ event: SubscriptionEvent) {
        locked { storage in
            for (id, observer) in storage.eventObservers {
                if case .terminated = observer.yield(event) {
                    storage.eventObservers[id] = nil
                }
            }
        }
    }

    /// Subscription events from now on, until the mirror stops.
    package func events() -> AsyncStream<SubscriptionEvent> {
        let (stream, continuation) = AsyncStream<SubscriptionEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let ended = locked { storage in
            guard storage.ending == nil else { return true }
            let id = storage.nextObserverID
            storage.nextObserverID += 1
            storage.eventObservers[id] = continuation
            return false
        }
        if ended {
            continuation.finish()
        }
        return stream
    }

    /// A stream beginning with the content now (if any), then every change
    /// applied. It finishes when the mirror stops: normally when the client
    /// closes or the server ends the subscription, with the error when the
    /// subscription fails.
    package func changes() -> StateChangeStream {
        let buffer = StateChangeBuffer()
        let ended: Result<Void, any Error>? = locked { storage in
            if !storage.content.isEmpty {
                buffer.yield(StateChange(updates: storage.content))
            }
            if let ending = storage.ending {
                return ending
            }
            let id = storage.nextObserverID
            storage.nextObserverID += 1
            storage.observers[id] = WeakChangeBuffer(buffer: buffer)
            return nil
        }
        if let ended {
            buffer.finish(throwing: Self.error(of: ended))
        }
        return StateChangeStream(buffer: buffer)
    }

    /// Finishes every change stream, with `error` if given, and every
    /// event stream. Later calls change nothing.
    package func end(error: (any Error)?) {
        let (observers, eventObservers) = locked { storage in
            if storage.ending == nil {
                storage.ending = error.map { .failure($0) } ?? .success(())
            }
            defer {
                storage.observers = [:]
                storage.eventObservers = [:]
            }
            return (storage.observers.values.compactMap(\.buffer), Array(storage.eventObservers.values))
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

/// A change stream's buffer, held without keeping it alive.
private struct WeakChangeBuffer {
    weak var buffer: StateChangeBuffer?
}
