/// How a subscription takes its messages from the engine: pacing, waiting
/// for changes, and ending.
extension StateEngine {
    private enum Step {
        case deliver([(key: String, change: KeyChange)])
        case wait
        case end
    }

    /// The next message for subscriber `id`: everything changed since its
    /// previous one. Waits until something has changed, and until its
    /// interval has passed since the previous message; the first message
    /// and the final delivery on ending go out at once. Nil once ended.
    func nextUpdate(for id: UInt64) async -> SubscriptionUpdate? {
        if let deadline = pacingDeadline(for: id), clock.now < deadline {
            await sleepUnlessEnding(id, until: deadline)
        }
        while true {
            if Task.isCancelled {
                removeSubscriber(id)
                return nil
            }
            let step: Step = storage.withLock { storage in
                guard var record = storage.subscribers[id], record.ending != .cancel else {
                    storage.subscribers[id] = nil
                    return .end
                }
                let owed = storage.owed(to: record)
                if !owed.isEmpty {
                    record.seen = storage.log.version
                    record.owedWholeState = false
                    record.lastSent = clock.now
                    storage.subscribers[id] = record
                    return .deliver(owed)
                }
                if storage.frozen || record.ending == .finish {
                    storage.subscribers[id] = nil
                    return .end
                }
                return .wait
            }
            switch step {
            case .deliver(let changes):
                return SubscriptionUpdate(keyChanges: changes)
            case .end:
                return nil
            case .wait:
                await waitForChange(id)
            }
        }
    }

    /// When subscriber `id` may send next, if its interval still holds it back.
    private func pacingDeadline(for id: UInt64) -> Duration? {
        storage.withLock { storage in
            guard let record = storage.subscribers[id], record.interval > .zero,
                  record.ending == nil, !storage.frozen, let lastSent = record.lastSent
            else { return nil }
            return lastSent + record.interval
        }
    }

    private func waitForChange(_ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = storage.withLock { storage in
                    guard let record = storage.subscribers[id], record.ending == nil, !storage.frozen,
                          !storage.isOwedAnything(record), !Task.isCancelled
                    else { return true }
                    storage.changeWaiters[id] = continuation
                    return false
                }
                if ready {
                    continuation.resume()
                }
            }
        } onCancel: {
            storage.withLock { $0.changeWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Sleeps until `deadline`, or less if the subscription ends or the
    /// engine closes meanwhile, so that closing never waits out an interval.
    private func sleepUnlessEnding(_ id: UInt64, until deadline: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [clock] in
                try? await clock.sleep(until: deadline)
            }
            group.addTask {
                await self.waitUntilEnding(id)
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilEnding(_ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ended = storage.withLock { storage in
                    guard let record = storage.subscribers[id], record.ending == nil, !storage.frozen, !Task.isCancelled
                    else { return true }
                    storage.subscribers[id]?.endWaiter = continuation
                    return false
                }
                if ended {
                    continuation.resume()
                }
            }
        } onCancel: {
            storage.withLock { $0.subscribers[id]?.endWaiter.take() }?.resume()
        }
    }

    /// Marks subscriber `id` to end, and wakes it wherever it waits.
    func endSubscriber(_ id: UInt64, _ ending: SubscriberRecord.Ending) {
        let waiters = storage.withLock { storage -> Waiters in
            guard storage.subscribers[id] != nil else { return [] }
            if storage.subscribers[id]?.ending != .cancel {
                storage.subscribers[id]?.ending = ending
            }
            return [storage.subscribers[id]?.endWaiter.take(), storage.changeWaiters.removeValue(forKey: id)].compactMap { $0 }
        }
        waiters.resumeAll()
    }

    /// Forgets subscriber `id` at once.
    func removeSubscriber(_ id: UInt64) {
        let waiters = storage.withLock { storage -> Waiters in
            [storage.subscribers.removeValue(forKey: id)?.endWaiter, storage.changeWaiters.removeValue(forKey: id)].compactMap { $0 }
        }
        waiters.resumeAll()
    }

    func backlog(of id: UInt64) -> Int {
        storage.withLock { storage in
            storage.subscribers[id].map { storage.backlog(of: $0) } ?? 0
        }
    }
}
