/// The messages made for the subscribers of one interval, up to log
/// version `to`, by the version each subscriber had seen: the latest batch
/// (from where its maker stood), and, for subscribers that fell further
/// behind, what they lack up to the same version.
///
/// Subscribers of one interval that read in time keep step: each takes the
/// batch made after its previous one, so that they all share one
/// ``SubscriptionUpdate``, gathered once and encoded once per protocol,
/// instead of each gathering and encoding its own. Those that read late
/// have seen an earlier batch's end, and share the catching-up message of
/// that version. This is what keeps a session of hundreds of users, each
/// sent everyone's avatars 30 times a second, from costing hundreds of
/// copies of every message.
struct SharedBatch {
    let to: UInt64
    /// When it was made, on the engine's clock.
    let made: Duration
    /// The message for the subscribers that have seen each version.
    var updates: [UInt64: SubscriptionUpdate]

    /// Whether a subscriber due at `now` may still be handed it, when the
    /// state is at `version`: if nothing changed since it was made, or if it
    /// was made within the last eighth of an interval (and 5 ms at most).
    /// Subscribers' paces drift apart (each message waits a full interval
    /// after the previous one), so one due later makes a batch of its own
    /// rather than send values that much older: there are then a few
    /// batches per interval, each shared by the subscribers due about when
    /// it was made, and no message is more than that window behind.
    func isFresh(at now: Duration, version: UInt64, interval: Duration) -> Bool {
        to == version || now - made <= min(interval / 8, .milliseconds(5))
    }
}

extension StateEngine.Storage {
    /// The next message for `record`, advancing it past what the message
    /// covers; nil when what it was owed turned out empty (changes that
    /// touched no key). Call only when it is owed something.
    ///
    /// - A subscriber one batch behind takes the batch.
    /// - A subscriber further behind (it read late, or joined with the whole
    ///   state) takes what it lacks up to the latest batch, shared with any
    ///   other subscriber that has seen as much, and is then in step again.
    /// - A subscriber that has taken the latest batch (or is ahead of it, or
    ///   the first of its interval, or due when the batch is no longer
    ///   fresh, ``SharedBatch/isFresh(at:version:interval:)``) makes the
    ///   next one, from where it stands to now, for the others to take.
    ///
    /// Taking a batch made a moment ago sends values a few ms old; what
    /// changed since goes in the next message, so nothing is lost and
    /// coalescing still holds. The whole state, and the final delivery of a
    /// subscription that is ending, are always made for the one subscriber
    /// and cover everything up to now.
    mutating func takeUpdate(for record: inout SubscriberRecord, at now: Duration) -> SubscriptionUpdate? {
        if record.owedWholeState || record.ending != nil || frozen {
            let entries = owed(to: record)
            record.seen = log.version
            record.owedWholeState = false
            return entries.isEmpty ? nil : SubscriptionUpdate(entries: entries)
        }
        while log.version > record.seen {
            let update: SubscriptionUpdate
            if let batch = batches[record.interval], record.seen < batch.to,
               batch.isFresh(at: now, version: log.version, interval: record.interval) {
                if let made = batch.updates[record.seen] {
                    update = made
                } else {
                    update = SubscriptionUpdate(entries: log.changes(after: record.seen, through: batch.to), shared: true)
                    batches[record.interval]?.updates[record.seen] = update
                }
                record.seen = batch.to
            } else {
                update = SubscriptionUpdate(entries: log.changes(after: record.seen), shared: true)
                batches[record.interval] = SharedBatch(to: log.version, made: now, updates: [record.seen: update])
                record.seen = log.version
            }
            if !update.entries.isEmpty {
                return update
            }
        }
        return nil
    }

    /// Forgets subscriber `id`, and its interval's batch if no subscriber
    /// of that interval is left.
    mutating func removeSubscriberRecord(_ id: UInt64) -> SubscriberRecord? {
        guard let record = subscribers.removeValue(forKey: id) else { return nil }
        if batches[record.interval] != nil, !subscribers.values.contains(where: { $0.interval == record.interval }) {
            batches[record.interval] = nil
        }
        return record
    }
}
