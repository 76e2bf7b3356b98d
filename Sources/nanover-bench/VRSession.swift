import ArgumentParser
import NanoverGRPC
import Foundation
import NIOCore
import NIOPosix
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
            load generator spends its CPU on load, not on bookkeeping). \
            With --transport ws the users speak the NanoVer 2026 protocol (WebSocket + MessagePack) \
            to --port instead: each write is one message with no reply, and the hub sends each user \
            the state at most 30 times a second. With --transport mixed, even-numbered users speak \
            gRPC to --port and odd-numbered ones WebSocket to --ws-port, in one session, and the \
            latency is also given per protocol of the observing user.
            """
    )

    /// How the simulated users reach the hub.
    enum Transport: String, ExpressibleByArgument, CaseIterable, Sendable {
        case grpc, ws, mixed

        /// Whether user number `index` speaks WebSocket.
        func isWebSocket(_ index: Int) -> Bool {
            switch self {
            case .grpc: false
            case .ws: true
            case .mixed: index % 2 == 1
            }
        }
    }

    @OptionGroup var target: TargetOptions
    @Option(help: "How users connect: grpc, ws (the 2026 protocol, on --port) or mixed (half each).") var transport = Transport.grpc
    @Option(help: "With --transport mixed: the hub's WebSocket port.") var wsPort: Int?
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

    func validate() throws {
        if transport == .mixed, wsPort == nil {
            throw ValidationError("--transport mixed needs --ws-port")
        }
    }

    /// Where each kind of user connects.
    struct Endpoints: Sendable {
        var transport = Transport.grpc
        /// The WebSocket port: --port itself unless mixed.
        var webSocketPort = 0
    }

    var endpoints: Endpoints {
        Endpoints(transport: transport, webSocketPort: transport == .mixed ? (wsPort ?? 0) : target.port)
    }

    func run() async throws {
        guard findMax else {
            try await Self.measure(target: target, endpoints: endpoints, users: users, rate: rate, seconds: seconds, observers: observers)
                .print(json: target.json)
            return
        }
        try await Self.findMaximum(target: target, endpoints: endpoints, rate: rate, seconds: seconds, observers: observers,
                                   start: startUsers, step: step, rateOnly: rateOnly, printSteps: !target.json)
            .print(json: target.json)
    }

    static func findMaximum(
        target: TargetOptions, endpoints: Endpoints = Endpoints(), rate: Double, seconds: Double, observers: Int, start: Int, step: Int,
        rateOnly: Bool = false, printSteps: Bool
    ) async throws -> Report {
        var held = 0
        var heldReport: Report?
        var users = start
        while true {
            let report = try await measure(target: target, endpoints: endpoints, users: users, rate: rate, seconds: seconds, observers: observers)
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
        /// The users whose avatars it saw while measuring.
        private let seen = Mutex(Set<String>())
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
            let others = stamps.filter { $0.key != ownKey && $0.key.hasPrefix("avatar.") }
            latencies.withLock { recorded in
                for stamp in others {
                    recorded.record(now - stamp.sent)
                }
            }
            seen.withLock { $0.formUnion(others.map(\.key)) }
        }

        var recorded: Latencies { latencies.withLock { $0 } }

        /// The numbers of the users whose avatars it saw.
        var usersSeen: Set<Int> { Set(seen.withLock { $0 }.compactMap { Int($0.dropFirst("avatar.".count)) }) }
    }

    /// One simulated user's connection.
    enum Link: Sendable {
        case grpc(NanoverConnection)
        case webSocket(BenchWebSocket)
    }

    /// Opens each user's connection, runs `body` with them, and closes them.
    static func withLinks<Result>(
        _ count: Int, to target: TargetOptions, endpoints: Endpoints, _ body: ([Link]) async throws -> Result
    ) async throws -> Result {
        let webSocketUsers = (0..<count).filter(endpoints.transport.isWebSocket)
        return try await withConnections(count - webSocketUsers.count, to: target) { grpcConnections in
            var links: [Link] = []
            var grpcLeft = grpcConnections[...]
            for index in 0..<count {
                if endpoints.transport.isWebSocket(index) {
                    let group = target.loop(for: index)?.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
                    links.append(.webSocket(try await BenchWebSocket.connect(host: target.address, port: endpoints.webSocketPort, group: group)))
                } else {
                    links.append(.grpc(grpcLeft.removeFirst()))
                }
            }
            return try await body(links)
        }
    }

    static func measure(
        target: TargetOptions, endpoints: Endpoints = Endpoints(), users: Int, rate: Double, seconds: Double, observers observerCount: Int
    ) async throws -> Report {
        try await withLinks(users, to: target, endpoints: endpoints) { links in
            let observers = (0..<min(observerCount, users)).map { Observer(ownKey: "avatar.\($0)") }
            let bytesReceived = Counter()
            let writesDone = Counter()
            let measuringWrites = Switch()
            let interval = Float(1 / rate)
            let warmUp = Duration.seconds(1)
            let duration = Duration.seconds(seconds)

            let usage: RunUsage = try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, link) in links.enumerated() {
                    let executor = target.executor(for: index)
                    let observer = index < observers.count ? observers[index] : nil
                    let written: @Sendable () -> Void = {
                        if measuringWrites.isOn {
                            writesDone.add(1)
                        }
                    }
                    switch link {
                    case .grpc(let connection):
                        if let observer {
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
                        let template = AvatarRequestTemplate(user: index)
                        group.addTask(executorPreference: executor) {
                            try await writeAvatar(of: index, rate: rate, onWritten: written) { numbers in
                                _ = try await StateClientConnection.updateState(template.request(with: numbers), on: connection.grpcClient)
                            }
                        }
                    case .webSocket(let socket):
                        let template = WebSocketAvatarTemplate(user: index)
                        group.addTask(executorPreference: executor) {
                            try await socket.run(onMessage: { message in
                                if let observer {
                                    observer.receive(message.withUnsafeReadableBytes { WebSocketStamps.stamps(in: $0) })
                                } else {
                                    bytesReceived.add(message.readableBytes)
                                }
                            }, writing: { sender in
                                try await writeAvatar(of: index, rate: rate, onWritten: written) { numbers in
                                    try await sender.send(template.message(with: numbers))
                                }
                            })
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
            var report = Report(scenario: endpoints.transport == .grpc ? "vr-session" : "vr-session-\(endpoints.transport.rawValue)", target: target.label)
            report.add("users", Double(users))
            report.add("offered_writes_per_s", offered)
            report.add("achieved_writes_per_s", achieved)
            report.add("write_rate_ratio", achieved / offered)
            report.add("p50_ms", latencies.p50, "ms")
            report.add("p99_ms", latencies.p99, "ms")
            report.add("observed", Double(latencies.count))
            if endpoints.transport == .mixed {
                for (name, webSocket) in [("grpc", false), ("ws", true)] {
                    var side = Latencies()
                    for (index, observer) in observers.enumerated() where endpoints.transport.isWebSocket(index) == webSocket {
                        side.merge(observer.recorded)
                    }
                    report.add("p99_ms_\(name)_observers", side.p99, "ms")
                }
                // Everyone sees everyone: each observer saw users of the other protocol.
                let crossing = observers.enumerated().filter { index, observer in
                    observer.usersSeen.contains { endpoints.transport.isWebSocket($0) != endpoints.transport.isWebSocket(index) }
                }
                report.add("observers_seeing_other_protocol", Double(crossing.count) / Double(max(1, observers.count)))
            }
            report.add("stream_mib_per_s", Double(bytesReceived.count) / 1_048_576 / (seconds + warmUp.seconds))
            report.add(usage: usage, duration: duration)
            return report
        }
    }

    /// Sends the avatar of user `index` with `send` on a fixed schedule; a
    /// write that comes late does not make the next ones burst to catch up.
    static func writeAvatar(
        of index: Int, rate: Double, onWritten: @Sendable () -> Void, send: ([Double]) async throws -> Void
    ) async throws {
        let period = Duration.seconds(1 / rate)
        // Spread the users over one period so they do not all write at once.
        var next = ContinuousClock.now + period * (Double(index % 97) / 97)
        var sequence = 0.0
        while !Task.isCancelled {
            try await Task.sleep(until: next, tolerance: .zero)
            sequence += 1
            try await send(avatarNumbers(sequence: sequence, phase: Double(index)))
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
