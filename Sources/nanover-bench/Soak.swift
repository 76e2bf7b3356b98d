import ArgumentParser
import Foundation
import GRPCCore
import NanoverCore
import NanoverGRPC

struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Many NanoverClients writing, locking and subscribing for a long time; then every mirror is checked against the server.",
        discussion: """
            Each client has its own connection, subscribes at its own interval, and writes its own \
            keys at --rate, sometimes locking and releasing them, sometimes removing one. At the end \
            every client's mirror must equal the server's state. With --server-pid the server's \
            memory at the start and end is reported.
            """
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Clients, each with its own connection.") var clients = 200
    @Option(help: "Minutes to run.") var minutes = 10.0
    @Option(help: "Writes per second per client.") var rate = 5.0

    func run() async throws {
        try await Self.soak(target: target, clients: clients, minutes: minutes, rate: rate).print(json: target.json)
    }

    static func soak(target: TargetOptions, clients count: Int, minutes: Double, rate: Double) async throws -> Report {
        let startRSS = try target.serverPid.map(ProcessSampler.residentBytes(of:))
        let connections = try (0..<count).map { try target.connect($0) }
        let clients = connections.map { NanoverClient(connection: $0) }
        let intervals: [Duration] = [.zero, .seconds(1.0 / 30), .milliseconds(100), .milliseconds(500)]
        for (index, client) in clients.enumerated() {
            client.subscribeAllStateUpdates(interval: intervals[index % intervals.count])
        }
        let errors = Counter()
        let writes = Counter()
        let refusals = Counter()
        let deadline = ContinuousClock.now + .seconds(minutes * 60)
        let (_, usage) = try await target.measuring {
            await withTaskGroup(of: Void.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask(executorPreference: target.executor(for: index)) {
                        await work(client, index: index, rate: rate, until: deadline, writes: writes, refusals: refusals, errors: errors)
                    }
                }
            }
        }

        // Quiescence: every mirror must come to equal the server's state.
        let probe = try NanoverClient(address: target.address, port: target.port)
        let state = try await probe.fetchState()
        await probe.close()
        let settle = ContinuousClock.now + .seconds(60)
        while clients.contains(where: { $0.copyState() != state }), ContinuousClock.now < settle {
            try await Task.sleep(for: .milliseconds(100))
        }
        let matching = clients.filter { $0.copyState() == state }.count
        for client in clients {
            await client.close()
        }
        for connection in connections {
            await connection.close()
        }

        var report = Report(scenario: "soak", target: target.label)
        report.add("clients", Double(count))
        report.add("minutes", minutes)
        report.add("writes", Double(writes.count))
        report.add("refused", Double(refusals.count))
        report.add("errors", Double(errors.count))
        report.add("mirrors_matching", Double(matching))
        if let startRSS, let pid = target.serverPid {
            report.add("rss_start_mib", Double(startRSS) / 1_048_576, "MiB")
            report.add("rss_end_mib", Double(try ProcessSampler.residentBytes(of: pid)) / 1_048_576, "MiB")
        }
        report.add(usage: usage, duration: .seconds(minutes * 60))
        return report
    }

    /// One client's loop: its own keys, so nothing should ever be refused.
    private static func work(
        _ client: NanoverClient, index: Int, rate: Double, until deadline: ContinuousClock.Instant,
        writes: Counter, refusals: Counter, errors: Counter
    ) async {
        let key = "soak.\(index)"
        let spare = "soak.\(index).spare"
        let period = Duration.seconds(1 / rate)
        var next = ContinuousClock.now + period * Double.random(in: 0..<1)
        var round = 0
        while ContinuousClock.now < deadline {
            try? await Task.sleep(until: next, tolerance: .zero)
            next = max(next + period, .now)
            round += 1
            do {
                var change = StateChange(updates: [key: ["round": .double(Double(round)), "at": .double(BenchClock.nowMilliseconds)]])
                if round % 50 == 0 {
                    change.remove(spare)
                } else if round % 50 == 1 {
                    change.set(spare, to: ["since": .double(Double(round))])
                }
                if round % 20 == 0, try await !client.attemptUpdateLocks([key: .acquire(.seconds(1))]) {
                    refusals.add(1)
                }
                if try await client.attemptUpdateState(change) {
                    writes.add(1)
                } else {
                    refusals.add(1)
                }
                if round % 20 == 0, try await !client.attemptUpdateLocks([key: .release]) {
                    refusals.add(1)
                }
            } catch {
                errors.add(1)
            }
        }
    }
}
