/// What the engine knows of one subscriber: how far it has read, when it
/// last sent, and how it is to end. Guarded by the engine's lock.
struct SubscriberRecord {
    enum Ending {
        /// Deliver what is pending, at once, then end.
        case finish
        /// End now; nothing more is delivered.
        case cancel
    }

    let interval: Duration
    /// The log version its previous message covered (at subscription, the
    /// version then: later removals are owed to it as removals).
    var seen: UInt64
    /// The first message, the whole state, has not gone out yet.
    var owedWholeState = true
    /// When its previous message went out; nil before the first.
    var lastSent: Duration?
    var ending: Ending?
    /// Readers sleeping out its interval, to be woken early on ending, by
    /// reader.
    var endWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]

    init(interval: Duration, seen: UInt64) {
        self.interval = interval
        self.seen = seen
    }

    /// When it may send next, if its interval still holds it back at `now`.
    func pacingDeadline(at now: Duration) -> Duration? {
        guard let lastSent, ending == nil else { return nil }
        let deadline = lastSent + interval
        return now < deadline ? deadline : nil
    }

    mutating func takeEndWaiters() -> Waiters {
        defer { endWaiters = [:] }
        return Array(endWaiters.values)
    }
}

extension StateEngine.Storage {
    /// The changes `record` is owed now, each key once with its latest change.
    func owed(to record: SubscriberRecord) -> [StateEntry] {
        record.owedWholeState
            ? log.wholeState(withRemovalsAfter: record.seen)
            : log.changes(after: record.seen)
    }

    /// Whether `record` is owed anything, without gathering it.
    func isOwedAnything(_ record: SubscriberRecord) -> Bool {
        log.version > record.seen || (record.owedWholeState && log.liveCount > 0)
    }

    func backlog(of record: SubscriberRecord) -> Int {
        record.owedWholeState ? owed(to: record).count : log.count(after: record.seen)
    }
}
