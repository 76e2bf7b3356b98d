import GRPCCore
import NIOCore
import NIOPosix
import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Synchronization
import Testing

/// `NanoverClient.Configuration.waitsForConnection`: a client started
/// before its hub.
@Suite("Waiting for the connection")
struct WaitingForConnectionTests {
    @Test("a client that waits for its connection keeps trying while connections fail, and its call lands once a hub serves; one that does not fails with unavailable")
    func waitsForTheHub() async throws {
        let refuser = try await RefusingListener.start()
        let port = refuser.port
        var configuration = NanoverClient.Configuration()
        configuration.waitsForConnection = true
        configuration.callTimeout = .seconds(120)  // only bounds a hang
        let waiting = try NanoverClient(address: "127.0.0.1", port: port, configuration: configuration)
        let call = Task { try await waiting.attemptUpdateState(StateChange(updates: ["early": true])) }
        await waitUntil("the client has tried and been refused") { refuser.refused >= 1 }

        let impatient = try NanoverClient(address: "127.0.0.1", port: port)
        do {
            _ = try await impatient.attemptUpdateState(StateChange(updates: ["late": true]))
            Issue.record("a call landed with no hub")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }
        await impatient.close()

        await refuser.close()
        let server = try await NanoverServer.start(address: "127.0.0.1", port: port)
        #expect(try await call.value)
        #expect(server.copyState()["early"] == true)
        await waiting.close()
        await server.close()
    }
}

/// A TCP listener that accepts each connection and closes it at once, as a
/// port where no gRPC server answers yet; it counts them.
private final class RefusingListener: Sendable {
    let port: Int
    private let channel: any Channel
    private let counter: Counter

    var refused: Int { counter.value }

    private init(port: Int, channel: any Channel, counter: Counter) {
        self.port = port
        self.channel = channel
        self.counter = counter
    }

    static func start() async throws -> RefusingListener {
        let counter = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                counter.add()
                return child.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RefusingListener(port: channel.localAddress?.port ?? 0, channel: channel, counter: counter)
    }

    func close() async {
        try? await channel.close()
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add() {
        count.withLock { $0 += 1 }
    }
}
