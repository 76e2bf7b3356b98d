/// Applied changes waiting to be told to observers, in order, and whether
/// someone is telling them now. Guarded by the engine's lock.
struct ObserverNotifications {
    private var queue: [(AccessToken, StateChange)] = []
    private var delivering = false

    /// Queues a change; true if the caller is to deliver (nobody is now).
    mutating func enqueue(_ token: AccessToken, _ change: StateChange) -> Bool {
        queue.append((token, change))
        guard !delivering else { return false }
        delivering = true
        return true
    }

    /// The changes queued so far, or nil (and delivery over) when none is.
    mutating func takeBatch() -> [(AccessToken, StateChange)]? {
        guard !queue.isEmpty else {
            delivering = false
            return nil
        }
        defer { queue = [] }
        return queue
    }
}
