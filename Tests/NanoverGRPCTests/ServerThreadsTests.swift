import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import NanoverCore
import NanoverTestSupport
import Testing
@testable import NanoverGRPC

/// Where the server's tasks run: each on the thread of the connection that
/// carries it, and there for good.
@Suite("Server threads")
struct ServerThreadsTests {
    /// A pool of its own, so that no server's work lands on it meanwhile.
    static let pool = ServerThreads(count: 2)

    static func loops() -> [any EventLoop] {
        Array(pool.eventLoopGroup.makeIterator())
    }

    static func isCurrent(_ loop: any EventLoop) -> Bool {
        MultiThreadedEventLoopGroup.currentEventLoop.map { $0 === loop } ?? false
    }

    /// Starts `body` in a task preferring `executor`, from `loop`'s thread,
    /// and returns its result.
    static func run<T: Sendable>(
        from loop: any EventLoop, preferring executor: any TaskExecutor, _ body: @escaping @Sendable () async -> T
    ) async throws -> T {
        let task = try await loop.submit { Task(executorPreference: executor, operation: body) }.get()
        return await task.value
    }

    /// Suspends the calling task, running on `home`, and resumes it from
    /// `other`'s thread. The resumption is queued behind the current job on
    /// `home`, so it comes after the task has suspended: a continuation
    /// resumed before that lets the task go on where it is, wherever the
    /// resumption came from.
    static func suspendUntilResumed(from other: any EventLoop, after home: any EventLoop) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            home.execute {
                other.execute { continuation.resume() }
            }
        }
    }

    @Test("the following executor runs a task on the pool thread that started it")
    func followsTheStartingThread() async throws {
        for loop in Self.loops() {
            let ranThere = try await Self.run(from: loop, preferring: Self.pool.followingExecutor) { Self.isCurrent(loop) }
            #expect(ranThere)
        }
    }

    @Test("started from elsewhere, a task still runs on one of the pool's threads")
    func fallsBackToThePool() async {
        let task = Task(executorPreference: Self.pool.followingExecutor) {
            Self.pool.executorOfCurrentThread() != nil
        }
        #expect(await task.value)
        #expect(Self.pool.executorOfCurrentThread() == nil, "the test's own thread is not one of the pool's")
    }

    @Test("a pinned handler stays on its connection's thread when another thread wakes it")
    func pinnedHandlerStaysHome() async throws {
        let loops = Self.loops()
        let (home, other) = (loops[0], loops[1])
        let transport = ThreadPinningTransport(OneStreamTransport(), threads: Self.pool)
        let staysHome = Box<Bool?>(nil)
        try await Self.run(from: home, preferring: Self.pool.followingExecutor) {
            try? await transport.listen { _, _ in
                let startedHome = Self.isCurrent(home)
                // Resumed from the other thread, as a subscription is when a
                // change arrives on another connection.
                await Self.suspendUntilResumed(from: other, after: home)
                staysHome.value = startedHome && Self.isCurrent(home)
            }
        }
        #expect(staysHome.value == true)
    }

    @Test("without pinning the same handler would have moved", .tags(.control))
    func unpinnedHandlerMoves() async throws {
        let loops = Self.loops()
        let (home, other) = (loops[0], loops[1])
        let movedAway = try await Self.run(from: home, preferring: Self.pool.followingExecutor) {
            await Self.suspendUntilResumed(from: other, after: home)
            return Self.isCurrent(other)
        }
        #expect(movedAway, "the following executor alone goes where the wake-up comes from")
    }

    @Test("servers on 0, 1 and 2 threads serve state and commands", arguments: [0, 1, 2])
    func servesOnAnyThreadCount(threads: Int) async throws {
        var configuration = testConfiguration()
        configuration.threads = threads
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        let clients = try (0..<4).map { _ in try NanoverClient(address: "127.0.0.1", port: server.port) }
        for client in clients {
            client.subscribeAllStateUpdates(interval: .zero)
        }
        for (index, client) in clients.enumerated() {
            #expect(try await client.attemptUpdateState(StateChange(updates: ["key.\(index)": .double(Double(index))])))
        }
        for client in clients {
            await waitUntil("every client sees every key") {
                (0..<clients.count).allSatisfy { client.copyState()["key.\($0)"] == .double(Double($0)) }
            }
        }
        for client in clients { await client.close() }
        await server.close()
    }

    @Test("a command registered as never blocking runs on the server's thread; others run off it")
    func commandThreads() async throws {
        var configuration = testConfiguration()
        configuration.threads = 2
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        let serverThreads = ServerThreads.shared(count: 2)
        try server.registerCommand("quick", mayBlock: false) { _ in
            ["on_server_thread": .bool(serverThreads.executorOfCurrentThread() != nil)]
        }
        try server.registerCommand("may-block") { _ in
            ["on_server_thread": .bool(serverThreads.executorOfCurrentThread() != nil)]
        }
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        #expect(try await client.runCommand("quick")["on_server_thread"] == .bool(true))
        #expect(try await client.runCommand("may-block")["on_server_thread"] == .bool(false))
        await client.close()
        await server.close()
    }

    @Test("a negative thread count is refused")
    func negativeThreadCount() async {
        var configuration = testConfiguration()
        configuration.threads = -1
        await #expect(throws: NanoverServerError.self) {
            try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        }
    }
}

extension Tag {
    /// Shows that another test's check can fail.
    @Tag static var control: Self
}

/// A transport that offers its handler one stream, on the calling task,
/// then stops: enough to see where a wrapped handler runs.
private struct OneStreamTransport: ListeningServerTransport {
    typealias Bytes = [UInt8]

    var listeningAddress: GRPCNIOTransportCore.SocketAddress {
        get async throws { .ipv4(host: "127.0.0.1", port: 0) }
    }

    func listen(
        streamHandler: @escaping @Sendable (_ stream: RPCStream<Inbound, Outbound>, _ context: ServerContext) async -> Void
    ) async throws {
        let descriptor = MethodDescriptor(fullyQualifiedService: "test.Test", method: "Test")
        let inbound = RPCAsyncSequence<RPCRequestPart<Bytes>, any Error>(wrapping: AsyncThrowingStream { $0.finish() })
        let outbound = RPCWriter<RPCResponsePart<Bytes>>.Closable(wrapping: DiscardingWriter())
        let context = ServerContext(descriptor: descriptor, remotePeer: "test", localPeer: "test", cancellation: .init())
        await streamHandler(RPCStream(descriptor: descriptor, inbound: inbound, outbound: outbound), context)
    }

    func beginGracefulShutdown() {}
}

private struct DiscardingWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCResponsePart<[UInt8]>
    func write(_ element: Element) async throws {}
    func write(contentsOf elements: some Sequence<Element>) async throws {}
    func finish() async {}
    func finish(throwing error: any Error) async {}
}
