import ArgumentParser
import Foundation
import NanoverProtocol
import SwiftProtobuf
import Synchronization

struct Fanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "One writer at a steady rate, many subscribers at interval 0: delivery latency, and no loss."
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Updates per second from the writer.") var rate = 100.0
    @Option(help: "Subscribers, each on its own connection.") var subscribers = 64
    @Option(help: "Seconds to write.") var seconds = 10.0

    func run() async throws {
        try await Self.measure(target: target, rate: rate, subscribers: subscribers, seconds: seconds).print(json: target.json)
    }

    /// What one subscriber saw.
    final class Observer: Sendable {
        private struct Seen {
            var latencies = Latencies()
            var lastSequence = -1.0
        }

        private let seen = Mutex(Seen())
        private let measuring = Switch()

        func startMeasuring() {
            measuring.set(true)
        }

        func receive(_ stamps: [Stamp]) {
            let now = BenchClock.nowMilliseconds
            guard let stamp = stamps.first(where: { $0.key == "fanout" }), let sequence = stamp.sequence else { return }
            let sent = stamp.sent
            let measuring = self.measuring.isOn
            seen.withLock {
                $0.lastSequence = sequence
                if measuring {
                    $0.latencies.record(now - sent)
                }
            }
        }

        var lastSequence: Double { seen.withLock { $0.lastSequence } }
        var latencies: Latencies { seen.withLock { $0.latencies } }
    }

    static func measure(target: TargetOptions, rate: Double, subscribers: Int, seconds: Double) async throws -> Report {
        try await withConnections(subscribers + 1, to: target) { connections in
            let writer = connections[0].state
            let observers = (0..<subscribers).map { _ in Observer() }
            var request = Nanover_Protocol_State_UpdateStateRequest()
            request.accessToken = "fanout-writer"
            func write(_ sequence: Double) async throws {
                request.update.changedKeys.fields["fanout"] = Google_Protobuf_Value(fields: [
                    "seq": Google_Protobuf_Value(numberValue: sequence),
                    "sent": Google_Protobuf_Value(numberValue: BenchClock.nowMilliseconds),
                ])
                _ = try await writer.updateState(request)
            }

            return try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, (observer, connection)) in zip(observers, connections.dropFirst()).enumerated() {
                    group.addTask(executorPreference: target.executor(for: index + 1)) {
                        try await connection.subscribeStamps(interval: 0) { observer.receive($0) }
                    }
                }
                // Every subscriber has its stream once it has seen the first value.
                try await write(0)
                try await waitFor(observers, toReach: 0, within: .seconds(30))
                observers.forEach { $0.startMeasuring() }

                let duration = Duration.seconds(seconds)
                let period = Duration.seconds(1 / rate)
                let (written, usage) = try await target.measuring {
                    let start = ContinuousClock.now
                    var sequence = 0.0
                    while start.duration(to: .now) < duration {
                        sequence += 1
                        try await write(sequence)
                        try await Task.sleep(until: start + period * sequence, tolerance: .zero)
                    }
                    return sequence
                }
                let complete = (try? await waitFor(observers, toReach: written, within: .seconds(10))) != nil
                group.cancelAll()

                var all = Latencies()
                observers.forEach { all.merge($0.latencies) }
                var report = Report(scenario: "fanout", target: target.label)
                report.add("subscribers", Double(subscribers))
                report.add("writes_per_s", written / seconds)
                report.add("deliveries", Double(all.count))
                report.add("p50_ms", all.p50, "ms")
                report.add("p99_ms", all.p99, "ms")
                report.add("max_ms", all.max, "ms")
                report.add("all_got_last", complete ? 1 : 0)
                report.add(usage: usage, duration: duration)
                if !complete {
                    report.notes.append("LOSS: some subscriber never saw the last value")
                }
                return report
            }
        }
    }

    private static func waitFor(_ observers: [Observer], toReach sequence: Double, within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while observers.contains(where: { $0.lastSequence < sequence }) {
            guard ContinuousClock.now < deadline else {
                throw BenchError("subscribers did not all receive value \(Int(sequence))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
