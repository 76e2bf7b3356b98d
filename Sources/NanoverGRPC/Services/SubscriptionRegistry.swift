import GRPCCore
import NanoverCore
import Synchronization

/// A session subscription that a server streams to a client.
protocol ServedSubscription: Sendable {
    /// Delivers what is due at once, then ends.
    func finish()
    /// Ends at once.
    func cancel()
}

extension StateSubscription: ServedSubscription {}
extension FrameSubscription: ServedSubscription {}

/// The subscriptions one service of a server has open, so that closing the
/// server ends its own streams (each delivering what is pending) while the
/// session it serves may go on serving other adapters.
final class SubscriptionRegistry: Sendable {
    private struct Storage {
        var subscriptions: [UInt64: any ServedSubscription] = [:]
        var nextID: UInt64 = 0
        var finished = false
    }

    private let storage = Mutex(Storage())

    /// Keeps `subscription` until ``remove(_:)``; after ``finishAll()`` it is
    /// finished at once instead.
    func add(_ subscription: any ServedSubscription) -> UInt64 {
        let (id, finished) = storage.withLock { storage in
            defer { storage.nextID += 1 }
            if !storage.finished {
                storage.subscriptions[storage.nextID] = subscription
            }
            return (storage.nextID, storage.finished)
        }
        if finished {
            subscription.finish()
        }
        return id
    }

    func remove(_ id: UInt64) {
        _ = storage.withLock { $0.subscriptions.removeValue(forKey: id) }
    }

    /// Finishes every subscription, and every one added later.
    func finishAll() {
        let subscriptions = storage.withLock { storage in
            storage.finished = true
            defer { storage.subscriptions = [:] }
            return Array(storage.subscriptions.values)
        }
        for subscription in subscriptions {
            subscription.finish()
        }
    }

    var count: Int {
        storage.withLock { $0.subscriptions.count }
    }

    /// Streams `subscription` with `deliver`, its read-and-write loop, kept
    /// here meanwhile so that closing the server finishes it, and cancelled
    /// when the stream ends.
    ///
    /// A client leaving, or the server shutting down, cancels the RPC, not
    /// this task. Either way the subscription is finished: what is pending
    /// goes out and the loop ends (to a departed client the write fails at
    /// once, and on shutdown nothing is lost), instead of lingering until
    /// the next change.
    func serve(_ subscription: some ServedSubscription, _ deliver: () async throws -> Void) async throws {
        let registration = add(subscription)
        defer {
            remove(registration)
            subscription.cancel()
        }
        try await withRPCCancellationHandler {
            try await deliver()
        } onCancelRPC: {
            subscription.finish()
        }
    }
}
