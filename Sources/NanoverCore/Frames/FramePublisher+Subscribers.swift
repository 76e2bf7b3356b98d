/// How a frame subscription takes its messages: what it is owed, pacing,
/// waiting, ending.
extension FramePublisher {
    private enum Step {
        case deliver(PublishedFrame)
        case fail(FrameSubscriptionError)
        case sleep(until: Duration)
        case wait
        case end
    }

    func nextFrame(for id: UInt64) async throws(FrameSubscriptionError) -> PublishedFrame? {
        while true {
            if Task.isCancelled {
                removeSubscriber(id)
                return nil
            }
            let step: Step = storage.withLock { storage in
                guard var record = storage.subscribers[id] else { return .end }
                let now = clock.now
                let owed = Self.owed(to: &record, in: &storage, limit: backlogLimit)
                switch owed {
                case .failure(let error):
                    storage.subscribers[id] = nil
                    return .fail(error)
                case .success(nil):
                    if storage.closed || record.finishing {
                        storage.subscribers[id] = nil
                        return .end
                    }
                    return .wait
                case .success(let frame?):
                    if !storage.closed, !record.finishing, let lastSent = record.lastSent, now < lastSent + record.interval {
                        return .sleep(until: lastSent + record.interval)
                    }
                    record.lastSent = now
                    storage.subscribers[id] = record
                    return .deliver(frame)
                }
            }
            switch step {
            case .deliver(let frame):
                SessionMetrics.framesDelivered.increment()
                return frame
            case .fail(let error):
                SessionMetrics.frameSubscribersCutOff.increment()
                throw error
            case .end:
                return nil
            case .sleep(let deadline):
                await sleepUnlessWoken(id, until: deadline)
            case .wait:
                await waitForFrame(id)
            }
        }
    }

    /// What `record` is owed now, if anything, marking it as taken in
    /// `record` (the caller stores it back only when it delivers; a
    /// subscriber held back by its interval is asked again later).
    private static func owed(
        to record: inout FrameSubscriberRecord, in storage: inout Storage, limit: Int
    ) -> Result<PublishedFrame?, FrameSubscriptionError> {
        let latest = storage.nextSequence - 1
        if let first = record.first {
            record.first = nil
            return .success(first)
        }
        guard record.seen < latest else { return .success(nil) }
        let next = record.seen + 1
        switch record.mode {
        case .every:
            guard next >= storage.firstSequence else { return .failure(.fellBehind(limit: limit)) }
            record.seen = next
            return .success(storage.log[Int(next - storage.firstSequence)])
        case .latest:
            defer { record.seen = latest }
            guard next >= storage.firstSequence else {
                // Out of the kept frames: the merged frame says it all, with
                // index 0 if a reset came meanwhile.
                return .success(storage.current(index: storage.lastResetSequence >= next ? 0 : nil))
            }
            let pending = storage.log[Int(next - storage.firstSequence)...]
            if pending.count == 1, let only = pending.first {
                return .success(only)
            }
            // Merged from the last reset among them, if any, which then
            // gives the message its index 0.
            let resetAt = pending.lastIndex { $0.index == 0 }
            var merged = Frame()
            for published in pending[(resetAt ?? pending.startIndex)...] {
                merged.merge(published.frame)
            }
            return .success(PublishedFrame(index: resetAt == nil ? pending.last!.index : 0, frame: merged))
        }
    }

    private func waitForFrame(_ id: UInt64) async {
        let reader = storage.withLock { $0.makeID() }
        await suspend { continuation in
            storage.withLock { storage in
                guard let record = storage.subscribers[id], !storage.closed, !record.finishing, !Task.isCancelled,
                      record.first == nil, record.seen == storage.nextSequence - 1
                else { return true }
                storage.waiters[id, default: [:]][reader] = continuation
                return false
            }
        } unregister: { [self] in
            storage.withLock { $0.waiters[id]?.removeValue(forKey: reader) }
        }
    }

    /// Sleeps out an interval, or less if the publisher closes meanwhile
    /// (then what is due goes out at once) or the subscription ends.
    private func sleepUnlessWoken(_ id: UInt64, until deadline: Duration) async {
        await sleep(on: clock, until: deadline) { await self.waitForClosing(id) }
    }

    private func waitForClosing(_ id: UInt64) async {
        let reader = storage.withLock { $0.makeID() }
        await suspend { continuation in
            storage.withLock { storage in
                guard let record = storage.subscribers[id], !storage.closed, !record.finishing, !Task.isCancelled
                else { return true }
                storage.closeWaiters[id, default: [:]][reader] = continuation
                return false
            }
        } unregister: { [self] in
            storage.withLock { $0.closeWaiters[id]?.removeValue(forKey: reader) }
        }
    }

    func removeSubscriber(_ id: UInt64) {
        let waiters = storage.withLock { storage in
            storage.subscribers[id] = nil
            return Self.takeWaiters(of: id, in: &storage)
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Marks subscriber `id` to deliver what is due at once and end, and
    /// wakes its readers.
    func finishSubscriber(_ id: UInt64) {
        let waiters = storage.withLock { storage in
            storage.subscribers[id]?.finishing = true
            return Self.takeWaiters(of: id, in: &storage)
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    private static func takeWaiters(of id: UInt64, in storage: inout Storage) -> [CheckedContinuation<Void, Never>] {
        Array((storage.waiters.removeValue(forKey: id) ?? [:]).values)
            + Array((storage.closeWaiters.removeValue(forKey: id) ?? [:]).values)
    }
}
