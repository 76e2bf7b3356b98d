import ArgumentParser
import Foundation
import NanoverProtocol
import SwiftProtobuf

struct IdleSubscribers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle-subscribers",
        abstract: "The server memory each open, idle subscription costs (needs --server-pid).",
        discussion: """
            Opens --count subscriptions over --connections connections, waits until each has \
            received the state's one small key (so the server holds every subscription), lets the \
            server settle, and divides the growth of its resident memory by the count.
            """
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Subscriptions to open.") var count = 1000
    @Option(help: "Connections to spread them over.") var connections = 10

    func run() async throws {
        try await Self.measure(target: target, count: count, connections: connections).print(json: target.json)
    }

    static func measure(target: TargetOptions, count: Int, connections connectionCount: Int) async throws -> Report {
        guard let pid = target.serverPid else {
            throw BenchError("idle-subscribers needs --server-pid")
        }
        return try await withConnections(connectionCount, to: target) { connections in
            // Warm the connections and the state, so only subscriptions grow.
            var seed = Nanover_Protocol_State_UpdateStateRequest()
            seed.update.changedKeys.fields["idle.seed"] = Google_Protobuf_Value(numberValue: 1)
            for connection in connections {
                _ = try await connection.state.updateState(seed)
            }
            try await settle()
            let before = try ProcessSampler.residentBytes(of: pid)
            let received = Counter()
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    let connection = connections[index % connections.count]
                    group.addTask(executorPreference: target.executor(for: index % connections.count)) {
                        try await connection.subscribeCountingBytes(interval: 1) { _ in received.add(1) }
                    }
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while received.count < count {
                    guard ContinuousClock.now < deadline else { throw BenchError("not every subscription opened") }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await settle()
                let after = try ProcessSampler.residentBytes(of: pid)
                group.cancelAll()
                var report = Report(scenario: "idle-subscribers", target: target.label)
                report.add("subscriptions", Double(count))
                report.add("connections", Double(connections.count))
                report.add("rss_before_mib", Double(before) / 1_048_576, "MiB")
                report.add("rss_after_mib", Double(after) / 1_048_576, "MiB")
                report.add("kib_per_subscription", Double(after - before) / 1024 / Double(count), "KiB")
                return report
            }
        }
    }

    /// Gives the server a moment to finish what the last requests started.
    private static func settle() async throws {
        try await Task.sleep(for: .seconds(1))
    }
}
