import ArgumentParser
import NanoverGRPC
import Foundation
import NanoverProtocol
import SwiftProtobuf
import Synchronization

struct VRSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vr-session",
        abstract: "Simulated VR users: each writes its avatar at 30 Hz and watches everyone's at 1/30 s.",
        discussion: """
            Each user has one connection, carrying its avatar writes and its subscription. \
            Latency is from a write to its appearance in other users' streams, read by the first \
            --observers users (the others receive every byte but do not decode it, so that the \
            load generator spends its CPU on load, not on bookkeeping).
            """
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Simulated users.") var users = 100
    @Option(help: "Avatar writes per second per user.") var rate = 30.0
    @Option(help: "Seconds to measure (after one second of warm-up).") var seconds = 10.0
    @Option(help: "Users whose streams are decoded to measure latency.") var observers = 8
    @Flag(help: "Raise the number of users step by step until p99 passes 100 ms or the write rate falls under 95% of the offered rate.")
    var findMax = false
    @Option(help: "With --find-max: users in the first step.") var startUsers = 50
    @Option(help: "With --find-max: users added at each step.") var step = 50
    @Flag(help: "With --find-max: judge each step by the write rate alone, for a server that streams nothing (such as the baseline server), to find how many users' writes the transport alone can carry.")
    var rateOnly = false

    func run() async throws {
        guard findMax else {
            try await Self.measure(target: target, users: users, rate: rate, seconds: seconds, observers: observers)
                .print(json: target.json)
            return
        }
        try await Self.findMaximum(target: target, rate: rate, seconds: seconds, observers: observers,
                                   start: startUsers, step: step, rateOnly: rateOnly, printSteps: !target.json)
            .print(json: target.json)
    }

    static func findMaximum(
        target: TargetOptions, rate: Double, seconds: Double, observers: Int, start: Int, step: Int,
        rateOnly: Bool = false, printSteps: Bool
    ) async throws -> Report {
        var held = 0
        var heldReport: Report?
        var users = start
        while true {
            let report = try await measure(target: target, users: users, rate: rate, seconds: seconds, observers: observers)
            if printSteps {
                // Progress, on standard error: standard output keeps the result.
                FileHandle.standardError.write(Data((report.line + "\n").utf8))
            }
            guard Self.holds(report, rateOnly: rateOnly) else { break }
            held = users
            heldReport = report
            users += step
        }
        var result = Report(scenario: "vr-session-max", target: target.label)
        result.add("max_users", Double(held))
        if let heldReport {
            result.figures += heldReport.figures.filter { $0.name != "users" }
        }
        return result
    }

    /// Whether a step held: the writes kept up and, unless `rateOnly`
    /// (a server that streams nothing has no latency to judge), p99 stayed
    /// within 100 ms.
    static func holds(_ report: Report, rateOnly: Bool = false) -> Bool {
        guard let achieved = report["write_rate_ratio"], achieved >= 0.95 else { return false }
        guard !rateOnly else { return true }
        guard let p99 = report["p99_ms"] else { return false }
        return p99 <= 100
    }

    /// The latencies one observing user saw.
    final class Observer: Sendable {
        let ownKey: String
        private let latencies = Mutex(Latencies())
        private let measuring = Switch()

        init(ownKey: String) {
            self.ownKey = ownKey
        }

        func startMeasuring() {
            measuring.set(true)
        }

        func receive(_ stamps: [Stamp]) {
            let now = BenchClock.nowMilliseconds
            guard measuring.isOn else { return }
            latencies.withLock { recorded in
                for stamp in stamps where stamp.key != ownKey && stamp.key.hasPrefix("avatar.") {
                    recorded.record(now - stamp.sent)
                }
            }
        }

        var recorded: Latencies { latencies.withLock { $0 } }
    }

    static func measure(target: TargetOptions, users: Int, rate: Double, seconds: Double, observers observerCount: Int) async throws -> Report {
        try await withConnections(users, to: target) { connections in
            let observers = (0..<min(observerCount, users)).map { Observer(ownKey: "avatar.\($0)") }
            let bytesReceived = Counter()
            let writesDone = Counter()
            let measuringWrites = Switch()
            let interval = Float(1 / rate)
            let warmUp = Duration.seconds(1)
            let duration = Duration.seconds(seconds)

            let usage: RunUsage = try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, connection) in connections.enumerated() {
                    let executor = target.executor(for: index)
                    if index < observers.count {
                        let observer = observers[index]
                        group.addTask(executorPreference: executor) {
                            try await connection.subscribeStamps(interval: interval) { observer.receive($0) }
                        }
                    } else {
                        group.addTask(executorPreference: executor) {
                            try await connection.subscribeCountingBytes(interval: interval) {
                                bytesReceived.add($0)
                            }
                        }
                    }
                    group.addTask(executorPreference: executor) {
                        try await writeAvatar(of: index, on: connection, rate: rate) {
                            if measuringWrites.isOn {
                                writesDone.add(1)
                            }
                        }
                    }
                }
                try await Task.sleep(for: warmUp)
                observers.forEach { $0.startMeasuring() }
                measuringWrites.set(true)
                let (_, usage) = try await target.measuring {
                    try await Task.sleep(for: duration)
                }
                measuringWrites.set(false)
                group.cancelAll()
                return usage
            }

            var latencies = Latencies()
            observers.forEach { latencies.merge($0.recorded) }
            let offered = Double(users) * rate
            let achieved = Double(writesDone.count) / seconds
            var report = Report(scenario: "vr-session", target: target.label)
            report.add("users", Double(users))
            report.add("offered_writes_per_s", offered)
            report.add("achieved_writes_per_s", achieved)
            report.add("write_rate_ratio", achieved / offered)
            report.add("p50_ms", latencies.p50, "ms")
            report.add("p99_ms", latencies.p99, "ms")
            report.add("observed", Double(latencies.count))
            report.add("stream_mib_per_s", Double(bytesReceived.count) / 1_048_576 / (seconds + warmUp.seconds))
            report.add(usage: usage, duration: duration)
            return report
        }
    }

    /// Writes the avatar of user `index` on a fixed 30 Hz schedule; a write
    /// that comes late does not make the next ones burst to catch up.
    static func writeAvatar(of index: Int, on connection: NanoverConnection, rate: Double, onWritten: @Sendable () -> Void) async throws {
        let template = AvatarRequestTemplate(user: index)
        let period = Duration.seconds(1 / rate)
        // Spread the users over one period so they do not all write at once.
        var next = ContinuousClock.now + period * (Double(index % 97) / 97)
        var sequence = 0.0
        while !Task.isCancelled {
            try await Task.sleep(until: next, tolerance: .zero)
            sequence += 1
            let request = template.request(with: avatarNumbers(sequence: sequence, phase: Double(index)))
            _ = try await StateClientConnection.updateState(request, on: connection.grpcClient)
            onWritten()
            next += period
            let now = ContinuousClock.now
            if next < now {
                next = now
            }
        }
    }

    /// About 300 bytes on the wire: head and two hands, each a position and a
    /// rotation, then a sequence number and the time of sending.
    static func avatarNumbers(sequence: Double, phase: Double) -> [Double] {
        let t = sequence / 30 + phase
        var numbers: [Double] = []
        numbers.reserveCapacity(AvatarRequestTemplate.numberCount)
        for offset in [0, 0.3, -0.3] {
            numbers += [sin(t + offset), 1.6 + 0.1 * cos(t), cos(t + offset), 0, sin(t / 2), 0, cos(t / 2)]
        }
        numbers += [sequence, BenchClock.nowMilliseconds]
        return numbers
    }
}
