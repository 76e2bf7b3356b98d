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

    /// The load generator's one thread: I/O and tasks without hops, so that
    /// it spends the machine on load rather than on scheduling.
    static let loop = DedicatedEventLoop.shared

    /// A new connection, as a separate client would have.
    func connect() throws -> NanoverConnection {
        try NanoverConnection.insecure(address: address, port: port, eventLoop: sharedThreads ? nil : Self.loop)
    }

    /// Runs `body` while sampling the server process, if one was given.
    func measuring<Result: Sendable>(_ body: () async throws -> Result) async throws -> (Result, ProcessSampler.Usage?) {
        guard let serverPid else {
            return (try await body(), nil)
        }
        let sampler = try ProcessSampler(pid: serverPid)
        let sampling = Task { await sampler.sample() }
        defer { sampling.cancel() }
        let result = try await body()
        return (result, try sampler.finish())
    }
}

/// Opens `count` connections, runs `body` with them, and closes them.
func withConnections<Result>(
    _ count: Int, to target: TargetOptions, _ body: ([NanoverConnection]) async throws -> Result
) async throws -> Result {
    let connections = try (0..<count).map { _ in try target.connect() }
    do {
        let result = try await withTaskExecutorPreference(target.sharedThreads ? nil : TargetOptions.loop.taskExecutor) {
            try await body(connections)
        }
        for connection in connections { await connection.close() }
        return result
    } catch {
        for connection in connections { await connection.close() }
        throw error
    }
}
