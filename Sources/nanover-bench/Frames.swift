import ArgumentParser
import Foundation
import GRPCCore
import GRPCProtobuf
import NanoverCore
import NanoverGRPC
import NanoverProtocol
import Synchronization

/// Subscribers of a server's frames: the rate each is delivered, how late
/// frames arrive after the server stamped them, and the bytes carried.
struct Frames: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Many frame subscribers of any NanoVer server that publishes frames: delivered rate, latency, bytes.",
        discussion: """
            Latency is from a frame's server.timestamp to its arrival: both read the \
            machine's monotonic clock (as Python's time.monotonic() does), so server and \
            bench must run on one machine. The published rate is read from the frame \
            indices. With --server-pid, the server's CPU and memory are reported too.
            """
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Subscribers, each on its own connection.") var subscribers = 32
    @Option(help: "Seconds to measure.") var seconds = 10.0
    @Flag(help: "Subscribe with SubscribeLatestFrames instead of SubscribeFrames.") var latest = false
    @Option(help: "The interval each subscriber asks for, in seconds.") var interval = 0.0

    func run() async throws {
        try await Self.measure(target: target, subscribers: subscribers, seconds: seconds, latest: latest, interval: interval)
            .print(json: target.json)
    }

    /// What one subscriber saw.
    final class Observer: Sendable {
        private struct Seen {
            var latencies = Latencies()
            var frames = 0
            var bytes = 0
            var lastIndex: UInt32?
            var firstMeasuredIndex: UInt32?
        }

        private let seen = Mutex(Seen())
        private let measuring = Switch()

        func startMeasuring() { measuring.set(true) }
        func stopMeasuring() { measuring.set(false) }

        func receive(_ stamp: FrameStamp) {
            let arrival = SystemClock().now.seconds
            let measuring = self.measuring.isOn
            seen.withLock { seen in
                seen.lastIndex = stamp.index
                guard measuring else { return }
                if seen.firstMeasuredIndex == nil { seen.firstMeasuredIndex = stamp.index }
                seen.frames += 1
                seen.bytes += stamp.bytes
                if let sent = stamp.serverTimestamp {
                    seen.latencies.record((arrival - sent) * 1_000)
                }
            }
        }

        var hasReceived: Bool { seen.withLock { $0.lastIndex != nil } }
        var lastIndex: UInt32? { seen.withLock { $0.lastIndex } }
        var figures: (frames: Int, bytes: Int, latencies: Latencies) {
            seen.withLock { ($0.frames, $0.bytes, $0.latencies) }
        }
    }

    static func measure(target: TargetOptions, subscribers: Int, seconds: Double, latest: Bool, interval: Double) async throws -> Report {
        try await withConnections(subscribers, to: target) { connections in
            let observers = (0..<subscribers).map { _ in Observer() }
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, (observer, connection)) in zip(observers, connections).enumerated() {
                    group.addTask(executorPreference: target.executor(for: index)) {
                        try await connection.subscribeFrameStamps(latest: latest, interval: Float(interval)) { observer.receive($0) }
                    }
                }
                try await waitUntil(within: .seconds(30), "every subscriber receives a frame") {
                    observers.allSatisfy(\.hasReceived)
                }
                let startIndex = observers.compactMap(\.lastIndex).max() ?? 0
                let duration = Duration.seconds(seconds)
                // The server's memory a quarter in, once the connections are
                // warm, and at the end: equal when it is flat.
                let (warmRSS, usage) = try await target.measuring {
                    observers.forEach { $0.startMeasuring() }
                    try await Task.sleep(for: duration / 4)
                    let warmRSS = try target.serverPid.map(ProcessSampler.residentBytes(of:))
                    try await Task.sleep(for: duration * 3 / 4)
                    observers.forEach { $0.stopMeasuring() }
                    return warmRSS
                }
                let endRSS = try target.serverPid.map(ProcessSampler.residentBytes(of:))
                let endIndex = observers.compactMap(\.lastIndex).max() ?? 0
                group.cancelAll()

                let figures = observers.map(\.figures)
                var latencies = Latencies()
                figures.forEach { latencies.merge($0.latencies) }
                let rates = figures.map { Double($0.frames) / seconds }
                let published = endIndex > startIndex ? Double(endIndex - startIndex) / seconds : .nan
                var report = Report(scenario: latest ? "frames --latest" : "frames", target: target.label)
                report.add("subscribers", Double(subscribers))
                report.add("published_fps", published)
                report.add("min_fps", rates.min() ?? .nan)
                report.add("mean_fps", rates.reduce(0, +) / Double(max(1, rates.count)))
                report.add("min_fps_ratio", (rates.min() ?? .nan) / published)
                report.add("p50_ms", latencies.p50, "ms")
                report.add("p99_ms", latencies.p99, "ms")
                report.add("max_ms", latencies.max, "ms")
                report.add("mib_per_s", Double(figures.map(\.bytes).reduce(0, +)) / seconds / 1_048_576, "MiB/s")
                report.add(usage: usage, duration: duration)
                if let start = usage.server?.startRSSBytes, let warmRSS, let endRSS {
                    report.add("server_rss_start_mib", Double(start) / 1_048_576, "MiB")
                    report.add("server_rss_quarter_mib", Double(warmRSS) / 1_048_576, "MiB")
                    report.add("server_rss_end_mib", Double(endRSS) / 1_048_576, "MiB")
                }
                if latencies.count == 0 {
                    report.notes.append("no frame carried server.timestamp")
                }
                return report
            }
        }
    }

    private static func waitUntil(within timeout: Duration, _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw BenchError("timed out: \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension NanoverConnection {
    /// Subscribes to frames and hands `onMessage` each message's index,
    /// timestamp and size, read without decoding the frame.
    func subscribeFrameStamps(latest: Bool, interval: Float, onMessage: @escaping @Sendable (FrameStamp) -> Void) async throws {
        let options = CallOptions.receivingLarge(256 << 20)
        let methods = Nanover_Protocol_Trajectory_TrajectoryService.Method.self
        try await grpcClient.serverStreaming(
            request: ClientRequest(message: Nanover_Protocol_Trajectory_GetFrameRequest.with { $0.frameInterval = interval }),
            descriptor: latest ? methods.SubscribeLatestFrames.descriptor : methods.SubscribeFrames.descriptor,
            serializer: ProtobufSerializer<Nanover_Protocol_Trajectory_GetFrameRequest>(),
            deserializer: FrameStampDeserializer(),
            options: options
        ) { response in
            for try await stamp in response.messages {
                onMessage(stamp)
            }
        }
    }
}
