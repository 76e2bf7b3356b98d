import NanoverCore
import Synchronization

/// A subscription that can be told to deliver what is due and end.
protocol FinishableSubscription: Sendable {
    func finish()
}

extension StateSubscription: FinishableSubscription {}
extension FrameSubscription: FinishableSubscription {}

/// The subscriptions one service of a server has open, so that closing the
/// server ends its own streams (each delivering what is pending) while the
/// session it serves may go on serving other adapters.
final class SubscriptionRegistry: Sendable {
    private struct Storage {
        var subscriptions: [UInt64: any FinishableSubscription] = [:]
        var nextID: UInt64 = 0
        var finished = false
    }

    private let storage = Mutex(Storage())

    /// Keeps `subscription` until ``remove(_:)``; after ``finishAll()`` it is
    /// finished at once instead.
    func add(_ subscription: any FinishableSubscription) -> UInt64 {
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
}
