import NIOCore
import Synchronization

/// The searches running on one listener, each with what it has yielded:
/// shared by the listener's channel handler, which delivers every hub
/// heard, and the searches' streams, which come and go.
final class HubSearches: Sendable {
    /// Most hubs one search reports: anyone on the network can send
    /// descriptions with endless new ids, and a search remembers each.
    static let maximumHubsPerSearch = 1024

    private struct Search {
        let continuation: AsyncStream<DiscoveredHub>.Continuation
        /// Nil for a search that reports every datagram, repeats included.
        var seen: Set<String>?
        var deadline: Scheduled<Void>?

        /// Whether the search reports a hub of this identity now, noting
        /// it as reported.
        mutating func admits(_ identity: String) -> Bool {
            guard seen != nil else { return true }
            guard seen!.count < HubSearches.maximumHubsPerSearch else { return false }
            return seen!.insert(identity).inserted
        }
    }

    private struct Registry {
        var searches: [Int: Search] = [:]
        var nextNumber = 0
        var closed = false
    }

    private let registry = Mutex(Registry())

    /// A new search's stream: hubs heard from now on, each once unless
    /// `repeats`, ending after `duration` (on `eventLoop`'s clock), when the
    /// listener closes, or when its reader stops.
    func start(duration: Duration?, repeats: Bool, eventLoop: any EventLoop) -> AsyncStream<DiscoveredHub> {
        let (stream, continuation) = AsyncStream.makeStream(of: DiscoveredHub.self, bufferingPolicy: .bufferingOldest(Self.maximumHubsPerSearch))
        let number: Int? = registry.withLock { registry in
            guard !registry.closed else { return nil }
            let number = registry.nextNumber
            registry.nextNumber += 1
            registry.searches[number] = Search(continuation: continuation, seen: repeats ? nil : [])
            return number
        }
        guard let number else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [self] _ in
            let deadline = registry.withLock { $0.searches.removeValue(forKey: number)?.deadline }
            deadline?.cancel()
        }
        if let duration {
            let deadline = eventLoop.scheduleTask(in: TimeAmount(duration)) { continuation.finish() }
            let running = registry.withLock { registry in
                registry.searches[number]?.deadline = deadline
                return registry.searches[number] != nil
            }
            if !running { deadline.cancel() }
        }
        return stream
    }

    /// Gives `hub` to every search that has not reported it yet.
    func deliver(_ hub: DiscoveredHub) {
        registry.withLock { registry in
            for number in Array(registry.searches.keys) where registry.searches[number]!.admits(hub.advertised.identity) {
                registry.searches[number]!.continuation.yield(hub)
            }
        }
    }

    /// Ends every search, and any started later at once.
    func closeAll() {
        let searches = registry.withLock { registry in
            registry.closed = true
            return registry.searches.values
        }
        for search in searches {
            search.deadline?.cancel()
            search.continuation.finish()
        }
    }
}
