/// Latencies collected during a run, in milliseconds.
struct Latencies: Sendable {
    private(set) var samples: [Double] = []

    mutating func record(_ milliseconds: Double) {
        samples.append(milliseconds)
    }

    mutating func merge(_ other: Latencies) {
        samples.append(contentsOf: other.samples)
    }

    var count: Int { samples.count }

    /// The value below which `fraction` of the samples fall (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }

    var p50: Double { percentile(0.50) }
    var p99: Double { percentile(0.99) }
    var max: Double { samples.max() ?? .nan }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) * 1e-15
    }

    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

/// Monotonic time as milliseconds since the process's first use, so that a
/// writer can stamp a value and a subscriber in the same process can read
/// the stamp back.
enum BenchClock {
    private static let origin = ContinuousClock.now

    static var nowMilliseconds: Double {
        origin.duration(to: .now).milliseconds
    }
}

import Synchronization

/// A count shared between tasks.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    func add(_ amount: Int) {
        value.add(amount, ordering: .relaxed)
    }

    var count: Int { value.load(ordering: .relaxed) }
}

/// An on/off shared between tasks.
final class Switch: Sendable {
    private let value = Atomic<Bool>(false)

    func set(_ on: Bool) {
        value.store(on, ordering: .relaxed)
    }

    var isOn: Bool { value.load(ordering: .relaxed) }
}
