import ArgumentParser
import NanoverGRPC
import NanoverProtocol
import SwiftProtobuf

struct UpdateThroughput: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update-throughput",
        abstract: "Concurrent callers of UpdateState, each on its own connection and keys."
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Concurrent callers.") var callers = 16
    @Option(help: "Seconds to run.") var seconds = 10.0

    func run() async throws {
        try await Self.measure(target: target, callers: callers, seconds: seconds).print(json: target.json)
    }

    static func measure(target: TargetOptions, callers: Int, seconds: Double) async throws -> Report {
        try await ClosedLoop.measure(scenario: "update-throughput", target: target, callers: callers, seconds: seconds) {
            StateUpdater(client: $0.state, index: $1)
        }
    }
}

/// Sets its own key to a small struct, again and again.
struct StateUpdater: Caller {
    let client: StateClient
    let index: Int
    var request = Nanover_Protocol_State_UpdateStateRequest()
    var sequence = 0.0

    init(client: StateClient, index: Int) {
        self.client = client
        self.index = index
        request.accessToken = "bench-\(index)"
    }

    mutating func call() async throws {
        sequence += 1
        request.update.changedKeys.fields["bench.\(index)"] = Google_Protobuf_Value(fields: [
            "seq": Google_Protobuf_Value(numberValue: sequence),
            "position": Google_Protobuf_Value(numbers: [0.1, 1.6, -0.4]),
        ])
        guard try await client.updateState(request).success else {
            throw BenchError("the server refused an update")
        }
    }
}

struct Commands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "Concurrent callers of RunCommand, each on its own connection."
    )

    @OptionGroup var target: TargetOptions
    @Option(help: "Concurrent callers.") var callers = 16
    @Option(help: "Seconds to run.") var seconds = 10.0
    @Option(help: "The command to run.") var command = "multiuser/radially-orient-origins"

    func run() async throws {
        try await Self.measure(target: target, callers: callers, seconds: seconds, command: command).print(json: target.json)
    }

    static func measure(target: TargetOptions, callers: Int, seconds: Double, command: String) async throws -> Report {
        try await ClosedLoop.measure(scenario: "commands", target: target, callers: callers, seconds: seconds) { connection, _ in
            CommandRunner(client: connection.commands, name: command)
        }
    }
}

/// Runs one command, again and again.
struct CommandRunner: Caller {
    let client: CommandClient
    var request = Nanover_Protocol_Command_CommandMessage()

    init(client: CommandClient, name: String) {
        self.client = client
        request.name = name
    }

    mutating func call() async throws {
        _ = try await client.runCommand(request)
    }
}

/// One closed-loop caller: it sends its next call when the previous answers.
protocol Caller: Sendable {
    mutating func call() async throws
}

enum ClosedLoop {
    /// Runs `callers` callers, each on its own connection, for `seconds`,
    /// after one warm-up call each so that connecting is not measured.
    static func measure<C: Caller>(
        scenario: String, target: TargetOptions, callers: Int, seconds: Double,
        makeCaller: @escaping @Sendable (NanoverConnection, Int) -> C
    ) async throws -> Report {
        try await withConnections(callers, to: target) { connections in
            let warmed = try await withThrowingTaskGroup(of: (Int, C).self) { group in
                for (index, connection) in connections.enumerated() {
                    group.addTask(executorPreference: target.executor(for: index)) {
                        var caller = makeCaller(connection, index)
                        try await caller.call()
                        return (index, caller)
                    }
                }
                return try await group.reduce(into: [(Int, C)]()) { $0.append($1) }
            }
            let duration = Duration.seconds(seconds)
            let (latencies, usage) = try await target.measuring {
                let deadline = ContinuousClock.now + duration
                return try await withThrowingTaskGroup(of: Latencies.self) { group in
                    for (index, caller) in warmed {
                        group.addTask(executorPreference: target.executor(for: index)) {
                            var caller = caller
                            var latencies = Latencies()
                            while ContinuousClock.now < deadline {
                                let start = ContinuousClock.now
                                try await caller.call()
                                latencies.record(start.duration(to: .now).milliseconds)
                            }
                            return latencies
                        }
                    }
                    return try await group.reduce(into: Latencies()) { $0.merge($1) }
                }
            }
            var report = Report(scenario: scenario, target: target.label)
            report.add("calls_per_s", Double(latencies.count) / seconds)
            report.add("p50_ms", latencies.p50, "ms")
            report.add("p99_ms", latencies.p99, "ms")
            report.add("callers", Double(callers))
            report.add(usage: usage, duration: duration)
            return report
        }
    }
}
