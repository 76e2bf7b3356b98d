/// How a subscription takes its messages from the engine: pacing, waiting
/// for changes, and ending.
///
/// Any number of tasks may read one subscription at once: each message goes
/// to one of them, and every reader waits with a continuation of its own.
extension StateEngine {
    private enum Step {
        case deliver(SubscriptionUpdate)
        case sleep(until: Duration)
        case wait
        case end
    }

    /// The next message for subscriber `id`: everything changed since its
    /// previous one. Waits until something has changed, and until its
    /// interval has passed since the previous message; the first message
    /// and the final delivery on ending go out at once. Nil once ended.
    func nextUpdate(for id: UInt64) async -> SubscriptionUpdate? {
        while true {
            if Task.isCancelled {
                removeSubscriber(id)
                return nil
            }
            let step: Step = storage.withLock { storage in
                guard var record = storage.subscribers[id], record.ending != .cancel else {
                    _ = storage.removeSubscriberRecord(id)
                    return .end
                }
                if storage.isOwedAnything(record) {
                    let now = clock.now
                    if !storage.frozen, let deadline = record.pacingDeadline(at: now) {
                        return .sleep(until: deadline)
                    }
                    let update = storage.takeUpdate(for: &record, at: now)
                    if update != nil {
                        record.lastSent = now
                    }
                    storage.subscribers[id] = record
                    if let update {
                        return .deliver(update)
                    }
                }
                if storage.frozen || record.ending == .finish {
                    _ = storage.removeSubscriberRecord(id)
                    return .end
                }
                return .wait
            }
            switch step {
            case .deliver(let update):
                return update
            case .sleep(let deadline):
                await sleepUnlessEnding(id, until: deadline)
            case .end:
                return nil
            case .wait:
                await waitForChange(id)
            }
        }
    }

    private func waitForChange(_ id: UInt64) async {
        let reader = storage.withLock { $0.makeID() }
        await suspend { continuation in
            storage.withLock { storage in
                guard let record = storage.subscribers[id], record.ending == nil, !storage.frozen,
                      !storage.isOwedAnything(record), !Task.isCancelled
                else { return true }
                storage.changeWaiters[id, default: [:]][reader] = continuation
                return false
            }
        } unregister: { [self] in
            storage.withLock { $0.changeWaiters[id]?.removeValue(forKey: reader) }
        }
    }

    /// Sleeps until `deadline`, or less if the subscription ends or the
    /// engine closes meanwhile, so that closing never waits out an interval.
    private func sleepUnlessEnding(_ id: UInt64, until deadline: Duration) async {
        await sleep(on: clock, until: deadline) { await self.waitUntilEnding(id) }
    }

    private func waitUntilEnding(_ id: UInt64) async {
        let reader = storage.withLock { $0.makeID() }
        await suspend { continuation in
            storage.withLock { storage in
                guard let record = storage.subscribers[id], record.ending == nil, !storage.frozen, !Task.isCancelled
                else { return true }
                storage.subscribers[id]?.endWaiters[reader] = continuation
                return false
            }
        } unregister: { [self] in
            storage.withLock { $0.subscribers[id]?.endWaiters.removeValue(forKey: reader) }
        }
    }

    /// Marks subscriber `id` to end, and wakes its readers wherever they wait.
    func endSubscriber(_ id: UInt64, _ ending: SubscriberRecord.Ending) {
        let waiters = storage.withLock { storage -> Waiters in
            guard storage.subscribers[id] != nil else { return [] }
            if storage.subscribers[id]?.ending != .cancel {
                storage.subscribers[id]?.ending = ending
            }
            let endWaiters = storage.subscribers[id]?.takeEndWaiters() ?? []
            return endWaiters + Array((storage.changeWaiters.removeValue(forKey: id) ?? [:]).values)
        }
        waiters.resumeAll()
    }

    /// Forgets subscriber `id` at once.
    func removeSubscriber(_ id: UInt64) {
        let waiters = storage.withLock { storage -> Waiters in
            var record = storage.removeSubscriberRecord(id)
            let endWaiters = record?.takeEndWaiters() ?? []
            return endWaiters + Array((storage.changeWaiters.removeValue(forKey: id) ?? [:]).values)
        }
        waiters.resumeAll()
    }

    func backlog(of id: UInt64) -> Int {
        storage.withLock { storage in
            storage.subscribers[id].map { storage.backlog(of: $0) } ?? 0
        }
    }
}
