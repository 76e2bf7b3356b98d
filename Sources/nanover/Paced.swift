/// A sequence read no faster than one element per `interval`: the reader
/// waits out the rest of the interval before asking the base for the next
/// element, and a base that merges for a slow reader (the 2026 client's
/// state and latest-frame streams) merges what comes meanwhile. How `--interval`
/// is kept with `--url`, whose server paces at 30 a second on its own.
struct Paced<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    typealias Element = Base.Element
    typealias Failure = any Error

    let base: Base
    let interval: Duration

    init(_ base: Base, interval: Duration) {
        self.base = base
        self.interval = interval
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let interval: Duration
        var last: ContinuousClock.Instant?

        mutating func next() async throws -> Element? {
            if let last, interval > .zero {
                try? await Task.sleep(until: last + interval, clock: .continuous)
                // Cancelled while waiting: nothing more is read.
                if Task.isCancelled { return nil }
            }
            let element = try await base.next()
            last = .now
            return element
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), interval: interval, last: nil)
    }
}
