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
    /// version then: later removals are owed to it as nulls).
    var seen: UInt64
    /// The first message, the whole state, has not gone out yet.
    var owedWholeState = true
    /// When its previous message went out; nil before the first.
    var lastSent: Duration?
    var ending: Ending?
    /// Set while it sleeps out its interval, to be woken early on ending.
    var endWaiter: CheckedContinuation<Void, Never>?

    init(interval: Duration, seen: UInt64) {
        self.interval = interval
        self.seen = seen
    }
}

extension StateEngine.Storage {
    /// The changes `record` is owed now, each key once with its latest change.
    func owed(to record: SubscriberRecord) -> [(key: String, change: KeyChange)] {
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
