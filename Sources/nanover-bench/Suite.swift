import ArgumentParser
import Foundation

struct Suite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "Run every scenario against our server and the baseline server; print one comparison table.",
        discussion: "Each row is one run's figure. Targets are goals for this machine, not pass/fail tests."
    )

    @Option(help: "Our server as HOST:PORT.") var ours: String
    @Option(help: "Our server's process id.") var oursPid: Int32?
    @Option(help: "The baseline server as HOST:PORT.") var baseline: String
    @Option(help: "The baseline server's process id.") var baselinePid: Int32?
    @Option(help: "Seconds per throughput and fan-out run.") var seconds = 10.0
    @Option(help: "Seconds per vr-session step.") var stepSeconds = 5.0
    @Option(help: "Users added at each vr-session step, from 50.") var step = 10
    @Option(help: "Threads of the load generator: as many as the machine has cores (at most 8), since the clients it plays would each have their own machine.")
    var loadThreads = min(8, ProcessInfo.processInfo.activeProcessorCount)

    private func target(_ hostPort: String, pid: Int32?, label: String) throws -> TargetOptions {
        guard let colon = hostPort.lastIndex(of: ":") else {
            throw ValidationError("expected HOST:PORT, got \(hostPort)")
        }
        var arguments = [
            "--address", String(hostPort[..<colon]), "--port", String(hostPort[hostPort.index(after: colon)...]),
            "--label", label, "--threads", String(loadThreads),
        ]
        if let pid {
            arguments += ["--server-pid", String(pid)]
        }
        return try TargetOptions.parse(arguments)
    }

    func run() async throws {
        let ours = try target(self.ours, pid: oursPid, label: "ours")
        let baseline = try target(self.baseline, pid: baselinePid, label: "baseline")
        var table = Table()

        // First, on fresh servers: what an open, idle subscription costs,
        // before other runs leave the allocator's free lists full.
        if oursPid != nil, baselinePid != nil {
            let idle = (try await IdleSubscribers.measure(target: ours, count: 1000, connections: 10),
                        try await IdleSubscribers.measure(target: baseline, count: 1000, connections: 10))
            table.compare("idle subscribers, 1000 over 10 connections", idle, metrics: [
                ("KiB per subscription (server RSS growth / count)", "kib_per_subscription", "≤ 64"),
            ])
        }

        let updates = (try await UpdateThroughput.measure(target: ours, callers: 16, seconds: seconds),
                       try await UpdateThroughput.measure(target: baseline, callers: 16, seconds: seconds))
        table.compare("update-throughput, 16 callers", updates, metrics: [
            ("calls/s", "calls_per_s", "≥ 0.8x baseline"), ("p50 ms", "p50_ms", ""), ("p99 ms", "p99_ms", ""),
            ("server CPU cores", "server_cpu_share", ""),
        ])
        let commands = (try await Commands.measure(target: ours, callers: 16, seconds: seconds, command: "multiuser/radially-orient-origins"),
                        try await Commands.measure(target: baseline, callers: 16, seconds: seconds, command: "multiuser/radially-orient-origins"))
        table.compare("commands, 16 callers", commands, metrics: [
            ("calls/s", "calls_per_s", ""), ("p50 ms", "p50_ms", ""), ("p99 ms", "p99_ms", ""),
        ])
        let fanout = try await Fanout.measure(target: ours, rate: 100, subscribers: 64, seconds: seconds)
        table.single("fanout, 64 subscribers, 100 writes/s", fanout, metrics: [
            ("p50 ms", "p50_ms", ""), ("p99 ms", "p99_ms", "≤ 5 ms"), ("max ms", "max_ms", ""),
            ("every subscriber got the last value", "all_got_last", "1 (no loss)"), ("server CPU cores", "server_cpu_share", ""),
        ])
        // The baseline streams nothing, so its figure is how many users'
        // writes alone the transport carries on this machine: a ceiling for
        // ours, which also delivers every avatar to every user.
        // Both offered the very same load; only how a step is judged differs.
        func findMaximum(_ target: TargetOptions, rateOnly: Bool) async throws -> Report {
            try await VRSession.findMaximum(target: target, rate: 30, seconds: stepSeconds, observers: 8,
                                            start: 50, step: step, rateOnly: rateOnly, printSteps: true)
        }
        let vr = (ours: try await findMaximum(ours, rateOnly: false), baseline: try await findMaximum(baseline, rateOnly: true))
        let vrScenario = "vr-session --find-max (baseline: writes only)"
        table.compare(vrScenario, vr, metrics: [
            ("users held", "max_users", "≥ 200"), ("write rate / offered", "write_rate_ratio", "≥ 0.95"),
            ("server CPU cores", "server_cpu_share", ""),
        ])
        table.single(vrScenario, vr.ours, metrics: [
            ("p99 ms at that size", "p99_ms", "≤ 100"), ("server peak RSS MiB", "server_peak_rss_mib", ""),
        ])
        print(table.markdown)
    }
}

/// A Markdown table of figures, ours beside the baseline's.
struct Table {
    private var rows: [[String]] = []

    mutating func compare(_ scenario: String, _ reports: (ours: Report, baseline: Report), metrics: [(String, String, String)]) {
        for (label, key, goal) in metrics {
            let ours = reports.ours[key] ?? .nan
            let baseline = reports.baseline[key] ?? .nan
            rows.append([scenario, label, Report.format(ours), Report.format(baseline), Report.format(ours / baseline), goal])
        }
    }

    mutating func single(_ scenario: String, _ report: Report, metrics: [(String, String, String)]) {
        for (label, key, goal) in metrics {
            rows.append([scenario, label, Report.format(report[key] ?? .nan), "", "", goal])
        }
    }

    var markdown: String {
        let header = ["scenario", "figure", "ours", "baseline", "ours / baseline", "target"]
        return ([header, header.map { _ in "---" }] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
    }
}
