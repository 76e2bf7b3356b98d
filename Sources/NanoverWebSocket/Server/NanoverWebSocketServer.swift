import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import NanoverCore
import Synchronization

/// Serves a session over the NanoVer 2026 protocol: WebSocket, one binary
/// MessagePack message at a time (see ``IncomingMessage``).
///
/// Each connection gets the whole state first, then changes merged and
/// paced at 30 a second at most; the frames (the merged frame first, with
/// index 0, then the latest, merged, at 30 a second at most); and the
/// replies to its commands. Its state changes are applied as the "no token"
/// identity, so a key another client has locked refuses them. A text
/// message, a message that is not a 2026 message, or one over the size
/// limit closes the connection with a close code and the reason.
///
/// Frames a client publishes are numbered by the hub (a reset stays 0, then
/// 1, 2, ...) and reach every subscriber of either protocol. When a
/// connection ends, the keys of the user it named are removed; writing
/// `scene` also writes `transform.simulation`. A command a client registers
/// runs on it, whoever calls it, until it leaves.
///
/// It serves a ``/NanoverCore/NanoverSession`` that any number of other
/// adapters may serve at once: start a gRPC server (`NanoverServer`, in
/// `NanoverGRPC`) over the same session and clients of both protocols
/// share one state, one command registry and one frame publisher. See
/// <doc:ServingNanoVer2026>.
public final class NanoverWebSocketServer: Sendable {
    /// Our hub's WebSocket port: the 2026 default, 38801, is our gRPC port,
    /// so the WebSocket side takes the next one (discovery advertises it as
    /// service `ws`).
    public static let defaultPort = 38802

    /// Settings of a server.
    public struct Configuration: Sendable {
        /// The largest message accepted, in bytes (the reference's: 128 MiB).
        public var maxMessageBytes = 128 * 1024 * 1024
        /// The minimum spacing of state and frame messages to a connection.
        public var interval: Duration = .seconds(1.0 / 30.0)
        /// Where connections' endings and refused messages are logged, at
        /// debug level.
        public var logger = Logger(label: "nanover.websocket")
        /// The threads that carry the connections' I/O.
        public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
        /// The executor to run a connection's work on, given its event loop:
        /// a hub passes its own threads' (`ServerThreads.executor(for:)`),
        /// so that a connection's tasks stay on its thread, as its gRPC
        /// calls do. Nil leaves them to Swift's pool.
        public var executorForLoop: (@Sendable (any EventLoop) -> (any TaskExecutor)?)?

        /// The defaults: 128 MiB messages, at most 30 state and frame
        /// messages a second to each connection, swift-nio's shared threads,
        /// connections' tasks on Swift's pool.
        public init() {}
    }

    /// The session served; the server does not close it.
    public let session: NanoverSession
    /// The port it listens on (the real one when asked for 0).
    public let port: Int
    private let channel: NIOAsyncChannel<EventLoopFuture<WebSocketUpgrade>, Never>
    private let accepting: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let connections = ConnectionRegistry()

    private init(session: NanoverSession, port: Int, channel: NIOAsyncChannel<EventLoopFuture<WebSocketUpgrade>, Never>) {
        self.session = session
        self.port = port
        self.channel = channel
    }

    /// Listens on `address` (an IP address, bracketed or not, or a host
    /// name; `[::]` for every interface) and `port` (0 for a free one) and
    /// serves `session` until ``close()``.
    ///
    /// - Parameters:
    ///   - session: The session to serve; other servers may serve it too.
    ///   - address: Where to listen: an IP address (IPv6 bracketed or not),
    ///     a host name, or `[::]` for every interface.
    ///   - port: The TCP port; 0 lets the system choose (read ``port``).
    ///   - configuration: Message size limit, pacing, threads, logging.
    /// - Returns: The server, accepting connections.
    /// - Throws: ``WebSocketServerError/portInUse(address:port:)`` when
    ///   another socket holds the port,
    ///   ``WebSocketServerError/couldNotListen(address:port:reason:)``
    ///   otherwise.
    public static func start(
        serving session: NanoverSession, address: String, port: Int, configuration: Configuration = Configuration()
    ) async throws -> NanoverWebSocketServer {
        let maxBytes = configuration.maxMessageBytes
        let channel: NIOAsyncChannel<EventLoopFuture<WebSocketUpgrade>, Never>
        do {
            channel = try await bind(address: address, port: port, maxBytes: maxBytes, configuration: configuration)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw WebSocketServerError.portInUse(address: address, port: port)
        } catch {
            throw WebSocketServerError.couldNotListen(address: address, port: port, reason: "\(error)")
        }
        guard let boundPort = channel.channel.localAddress?.port else {
            throw WebSocketServerError.couldNotListen(address: address, port: port, reason: "no port was bound")
        }
        let server = NanoverWebSocketServer(session: session, port: boundPort, channel: channel)
        server.startAccepting(configuration: configuration)
        return server
    }

    /// Listens, upgrading each HTTP connection to a WebSocket.
    private static func bind(
        address: String, port: Int, maxBytes: Int, configuration: Configuration
    ) async throws -> NIOAsyncChannel<EventLoopFuture<WebSocketUpgrade>, Never> {
        // An IPv6 literal may come bracketed, as it is written before a port.
        let host = HostLiteral.unbracketed(address)
        return try await ServerBootstrap(group: configuration.eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketServerUpgrader<WebSocketUpgrade>(
                        maxFrameSize: min(maxBytes, Int(UInt32.max)),
                        shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16, maxAccumulatedFrameSize: maxBytes))
                                return WebSocketUpgrade.upgraded(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                        configuration: .init(upgradeConfiguration: NIOTypedHTTPServerUpgradeConfiguration(
                            upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    // Not a WebSocket request: nothing to serve.
                                    channel.close(promise: nil)
                                    return WebSocketUpgrade.notUpgraded
                                }
                            })))
                }
            }
    }

    private func startAccepting(configuration: Configuration) {
        let channel = self.channel
        let connections = self.connections
        let session = self.session
        let numbering = FrameNumbering()
        // Kept here; close() ends and awaits it.
        let task = Task<Void, Never> {
            await withDiscardingTaskGroup { group in
                _ = try? await channel.executeThenClose { inbound in
                    for try await upgrade in inbound {
                        group.addTask {
                            guard case .upgraded(let socket)? = try? await upgrade.get() else { return }
                            let connection = WebSocketConnection(socket: socket, session: session, configuration: configuration, numbering: numbering)
                            let id = connections.add(connection)
                            if let executor = configuration.executorForLoop?(socket.channel.eventLoop) {
                                await withTaskExecutorPreference(executor) {
                                    await connection.serve()
                                }
                            } else {
                                await connection.serve()
                            }
                            connections.remove(id)
                        }
                    }
                }
            }
        }
        accepting.withLock { $0 = task }
    }

    /// How many WebSocket connections are open.
    public var connectionCount: Int { connections.count }

    /// Stops listening, ends every connection after sending what is due
    /// (then a normal close), and waits for them. Idempotent.
    public func close() async {
        channel.channel.close(promise: nil)
        connections.finishAll()
        await accepting.withLock { $0 }?.value
    }
}

/// What an HTTP connection became.
enum WebSocketUpgrade: Sendable {
    case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
    case notUpgraded
}

/// Why a WebSocket server did not start.
public enum WebSocketServerError: Error, Sendable, CustomStringConvertible {
    /// Another socket holds the port.
    case portInUse(address: String, port: Int)
    /// Listening failed for another reason.
    case couldNotListen(address: String, port: Int, reason: String)

    /// The error in words, naming the address and port.
    public var description: String {
        switch self {
        case .portInUse(let address, let port): "WebSocket port \(port) on \(address) is already in use"
        case .couldNotListen(let address, let port, let reason): "cannot listen for WebSocket on \(address):\(port): \(reason)"
        }
    }
}

/// The open connections, to end them on closing.
final class ConnectionRegistry: Sendable {
    private let state = Mutex((next: 0, connections: [Int: WebSocketConnection](), closing: false))

    func add(_ connection: WebSocketConnection) -> Int {
        let (id, closing) = state.withLock { state in
            defer { state.next += 1 }
            state.connections[state.next] = connection
            return (state.next, state.closing)
        }
        if closing { connection.finish() }
        return id
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.connections.removeValue(forKey: id) }
    }

    var count: Int { state.withLock { $0.connections.count } }

    func finishAll() {
        let open = state.withLock { state in
            state.closing = true
            return Array(state.connections.values)
        }
        open.forEach { $0.finish() }
    }
}
