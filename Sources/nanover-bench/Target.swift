import Foundation
import ArgumentParser
import GRPCCore
import GRPCNIOTransportHTTP2
import NanoverGRPC

/// The server a scenario drives, and how to watch its process.
struct TargetOptions: ParsableArguments {
    @Option(help: "Address of the server under test.")
    var address = "127.0.0.1"

    @Option(help: "Port of the server under test.")
    var port = NanoverServer.defaultPort

    @Option(help: "Process id of the server, to report its CPU time and peak memory.")
    var serverPid: Int32?

    @Option(help: "A label for the server in the output.")
    var label = "server"

    @Flag(help: "Print one JSON object instead of a table row.")
    var json = false

    @Flag(help: "Run the load generator on NIO's shared loops and Swift's pool, as a default client does, instead of one dedicated thread.")
    var sharedThreads = false

    @Option(help: "Threads of the load generator: each carries the I/O and the tasks of its share of the connections. (default: as many as the machine has cores, at most 8, since the clients it plays would each have their own machine)")
    var threads = min(8, ProcessInfo.processInfo.activeProcessorCount)

    /// The load generator's threads: I/O and tasks without hops, so that it
    /// spends the machine on load rather than on scheduling.
    static let loops = [DedicatedEventLoop.shared] + (1..<8).map { _ in DedicatedEventLoop() }

    /// The thread that connection number `index` lives on.
    func loop(for index: Int) -> DedicatedEventLoop? {
        sharedThreads ? nil : Self.loops[index % max(1, min(threads, Self.loops.count))]
    }

    /// A new connection, as a separate client would have.
    func connect(_ index: Int = 0) throws -> NanoverConnection {
        try NanoverConnection.insecure(address: address, port: port, eventLoop: loop(for: index))
    }

    /// The executor preference for work on connection number `index`.
    func executor(for index: Int) -> (any TaskExecutor)? {
        loop(for: index)?.taskExecutor
    }

    /// Runs `body` while sampling the server process, if one was given, and
    /// the load generator's own CPU time.
    func measuring<Result: Sendable>(_ body: () async throws -> Result) async throws -> (Result, RunUsage) {
        let ownCPU = try ProcessSampler.cpuSeconds(of: getpid())
        let sampler = try serverPid.map(ProcessSampler.init(pid:))
        let sampling = sampler.map { sampler in Task { await sampler.sample() } }
        defer { sampling?.cancel() }
        let result = try await body()
        let usage = RunUsage(
            server: try sampler?.finish(),
            loadGeneratorCPUSeconds: try ProcessSampler.cpuSeconds(of: getpid()) - ownCPU)
        return (result, usage)
    }
}

/// What a run cost: the server's CPU and memory, when its process is known,
/// and the load generator's CPU, which shares the machine with it.
struct RunUsage: Sendable {
    let server: ProcessSampler.Usage?
    let loadGeneratorCPUSeconds: Double
}

/// Opens `count` connections, runs `body` with them, and closes them.
func withConnections<Result>(
    _ count: Int, to target: TargetOptions, _ body: ([NanoverConnection]) async throws -> Result
) async throws -> Result {
    let connections = try (0..<count).map { try target.connect($0) }
    do {
        let result = try await withTaskExecutorPreference(target.executor(for: 0)) {
            try await body(connections)
        }
        for connection in connections { await connection.close() }
        return result
    } catch {
        for connection in connections { await connection.close() }
        throw error
    }
}
