import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import NanoverWebSocket
import Synchronization
import Testing

/// A hub under test: one session served over NanoVer 2026 on a free
/// loopback port, and over gRPC too when asked.
struct Hub {
    let session: NanoverSession
    let webSocket: NanoverWebSocketServer
    let grpc: NanoverServer?

    var url: String { "ws://127.0.0.1:\(webSocket.port)" }

    static func start(initial: NanoverStruct = [:], grpc: Bool = false) async throws -> Hub {
        let session = NanoverSession()
        if !initial.isEmpty {
            try session.state.update(StateChange(updates: initial))
        }
        // On a server thread, as nanover-server runs it: the suite runs every
        // test at once, and heavy ones can hold Swift's pool for seconds. A
        // pool apart from the gRPC test servers' (which have two threads),
        // so that neither side's load holds up the other's connections.
        var settings = NanoverWebSocketServer.Configuration()
        let threads = ServerThreads.shared(count: 1)
        settings.eventLoopGroup = threads.eventLoopGroup
        settings.executorForLoop = { threads.executor(for: $0) }
        let webSocket = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0, configuration: settings)
        var server: NanoverServer?
        if grpc {
            var configuration = NanoverServer.Configuration()
            configuration.shutdownGracePeriod = .seconds(120)
            server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0, configuration: configuration)
        }
        return Hub(session: session, webSocket: webSocket, grpc: server)
    }

    /// Client settings for tests: the deadlines to connect and for calls
    /// only bound a hang, as everywhere in the suite, since a small machine
    /// running every test at once can take seconds to get to a client's
    /// answer.
    static var clientConfiguration: NanoverWebSocketClient.Configuration {
        var configuration = NanoverWebSocketClient.Configuration()
        configuration.connectTimeout = .seconds(120)
        configuration.callTimeout = .seconds(120)
        return configuration
    }

    /// A 2026 client of this hub.
    func connect(configuration: NanoverWebSocketClient.Configuration = Hub.clientConfiguration) async throws -> NanoverWebSocketClient {
        try await NanoverWebSocketClient.connect(to: url, configuration: configuration)
    }

    /// A gRPC client of this hub (started with `grpc: true`).
    func grpcClient() throws -> NanoverClient {
        try NanoverClient(address: "127.0.0.1", port: #require(grpc).port)
    }

    func close() async {
        await webSocket.close()
        await grpc?.close()
        session.close()
    }
}

/// Runs `body` with a hub and one client of it, and closes both afterwards.
func withHub(
    initial: NanoverStruct = [:], grpc: Bool = false,
    _ body: (NanoverWebSocketClient, Hub) async throws -> Void
) async throws {
    let hub = try await Hub.start(initial: initial, grpc: grpc)
    let client: NanoverWebSocketClient
    do {
        client = try await hub.connect()
    } catch {
        await hub.close()
        throw error
    }
    do {
        try await body(client, hub)
    } catch {
        await client.close()
        await hub.close()
        throw error
    }
    await client.close()
    await hub.close()
}

/// Waits until the client's mirror satisfies `condition`.
func waitForMirror(
    _ client: NanoverWebSocketClient, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @escaping (NanoverStruct) -> Bool
) async {
    await waitUntil(what, sourceLocation: sourceLocation) { client.withLockedState { condition($0) } }
}

/// A gate handlers wait on until the test opens it.
final class Gate: Sendable {
    private let state = Mutex((open: false, waiters: [CheckedContinuation<Void, Never>]()))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if isOpen { continuation.resume() }
        }
    }
}

/// A command on a hub that runs until the test releases it.
struct StuckCommand {
    let name = "stuck"
    private let gate = Gate()
    private let running = Box(false)

    init(on hub: Hub) throws {
        try hub.session.commands.register(name) { [gate, running] _ in
            running.value = true
            await gate.wait()
            return nil
        }
    }

    /// Whether a call has started.
    var isRunning: Bool { running.value }

    func release() {
        gate.open()
    }
}
