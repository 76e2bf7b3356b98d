import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOCore
import NIOPosix
import NanoverCore
import ServiceLifecycle

/// A NanoVer hub's gRPC adapter: one gRPC server offering the Command, State
/// and Trajectory services of a ``/NanoverCore/NanoverSession`` on one port.
///
/// ```swift
/// let session = NanoverSession(clock: EventLoopClock())
/// try session.commands.register("hello", defaultArguments: ["name": "world"]) { arguments in
///     ["greeting": .string("hello \(arguments["name"]?.stringValue ?? "")")]
/// }
/// let server = try await NanoverServer.start(serving: session, address: "localhost", port: 0)
/// print("listening on port \(server.port)")
/// await server.close()
/// session.close()
/// ```
///
/// ``start(address:port:configuration:)`` without a session makes one that
/// the server owns and closes with itself. Call ``close()`` when done (or
/// use ``withNanoverServer(address:port:configuration:_:)``, or run it as a
/// swift-service-lifecycle `Service`): it delivers each of its subscribers'
/// pending changes, ends their streams and stops listening.
public final class NanoverServer: Sendable {
    /// The NanoVer application's default port.
    public static let defaultPort = 38801
    /// Every interface, IPv6 and IPv4, as the reference listens by default.
    public static let defaultAddress = "[::]"

    /// Settings beyond address and port.
    public struct Configuration: Sendable {
        /// Largest request message accepted, in bytes; a larger one is
        /// answered with `RESOURCE_EXHAUSTED` (one over twice this, plus a
        /// MiB, has its stream reset by the transport before it is read).
        public var maxRequestMessageBytes: Int = 4 * 1024 * 1024
        /// Most calls and streams open at once on one connection. Clients
        /// such as Python's share one connection between channels, so a
        /// single process may hold many subscriptions on it.
        public var maxConcurrentStreamsPerConnection = 10_000
        /// How long ``NanoverServer/close()`` lets calls and streams finish
        /// before cutting them off.
        public var shutdownGracePeriod: Duration = .seconds(1)
        /// The time source of a session the server makes for itself (a
        /// session given to the server keeps its own).
        public var clock: any MonotonicClock = EventLoopClock()
        /// The state limits of a session the server makes for itself.
        public var stateLimits = StateLimits.standard
        /// How many threads of its own the server runs on; each carries its
        /// share of the connections, with their I/O, state calls and
        /// subscription streams (command handlers run on Swift's pool). A
        /// call never hops between threads, which on a small machine halves
        /// the CPU a call costs, and different connections are served in
        /// parallel. Zero serves on NIO's shared loops plus Swift's pool
        /// instead. Servers with the same count share the same threads
        /// (``ServerThreads/shared(count:)``).
        public var threads = Configuration.defaultThreads
        /// Two threads where the machine has two cores or more, else one.
        public static let defaultThreads = min(2, max(1, System.coreCount))
        /// How the transport batches writes before it flushes them to the
        /// socket. Nil, the default, flushes each message at once: NanoVer
        /// traffic is many small messages that someone is waiting to see, and
        /// a delayed flush costs a timer wake-up, which on a small or
        /// virtual machine takes far longer than the delay asked for (with
        /// the transport's own default of 100 µs, a single client's round
        /// trip went from 0.59 ms to 0.81 ms on a 2-core machine).
        public var flushCoalescing: HTTP2ServerTransport.Config.Connection.FlushCoalescing? = nil
        /// Where the server and its services log: listening, calls that
        /// fail inside the server, the grace period running out.
        public var logger = Logger(label: "nanover.server")
        /// More gRPC services to serve on the same port and threads as ours
        /// (any that grpc-swift can register, such as generated ones). One
        /// that also adopts ``ClosingAwareService`` is told when the server
        /// closes. A service reusing one of our service names, or another
        /// added service's, stops the start with
        /// ``NanoverServerError/serviceClash(service:)``.
        public var additionalServices: [any RegistrableRPCService] = []
        /// Whether a connection that ends takes with it the keys of the user
        /// it said it was, as a 2026 client's does: the user id is learned
        /// from the first `avatar.<id>` key written over the HTTP/2
        /// connection, and when that connection ends the hub removes, in one
        /// change, every key with `<id>` as whole dotted segments after the
        /// first and every interaction that user owns. Off by default, as
        /// in the gRPC-era reference, which has no such cleanup; a closing
        /// server removes nothing.
        public var removesDepartedUsers = false

        /// The defaults: 4 MiB requests, 10,000 streams a connection, a
        /// grace period of one second, ``defaultThreads`` threads, flushes
        /// at once, no added services, departed users' keys kept.
        public init() {}
    }

    /// The session this server serves.
    public let session: NanoverSession
    /// The address the server was asked to listen on.
    public let address: String
    /// The port the server listens on: the one asked for, or the one the
    /// operating system chose when asked for port 0.
    public let port: Int

    private let grpcServer: GRPCServer<ThreadPinningTransport<HTTP2ServerTransport.Posix>>
    private let serving: Task<Void, any Error>
    private let subscriptions: SubscriptionRegistry
    private let closingServices: [any ClosingAwareService]
    private let connectionUsers: ConnectionUsers?
    private let connections: OpenConnections
    private let ownsSession: Bool
    private let configuration: Configuration

    private init(
        session: NanoverSession, ownsSession: Bool, address: String, port: Int,
        grpcServer: GRPCServer<ThreadPinningTransport<HTTP2ServerTransport.Posix>>, serving: Task<Void, any Error>,
        subscriptions: SubscriptionRegistry, closingServices: [any ClosingAwareService], connectionUsers: ConnectionUsers?,
        connections: OpenConnections, configuration: Configuration
    ) {
        self.session = session
        self.ownsSession = ownsSession
        self.address = address
        self.port = port
        self.grpcServer = grpcServer
        self.serving = serving
        self.subscriptions = subscriptions
        self.closingServices = closingServices
        self.connectionUsers = connectionUsers
        self.connections = connections
        self.configuration = configuration
    }

    /// Starts a server with a session of its own, listening on `address` and
    /// `port`; closing the server closes the session.
    ///
    /// - Parameters:
    ///   - address: an IP address (`[::]` or `0.0.0.0` for every interface)
    ///     or a host name such as `localhost`.
    ///   - port: the port; 0 lets the operating system choose (read ``port``).
    ///   - configuration: the server's settings, those of the session it makes
    ///     included (``Configuration/clock``, ``Configuration/stateLimits``).
    /// - Throws: ``NanoverServerError/portInUse(address:port:)`` when the port
    ///   is taken, or another ``NanoverServerError``.
    public static func start(
        address: String = defaultAddress,
        port: Int = defaultPort,
        configuration: Configuration = Configuration()
    ) async throws(NanoverServerError) -> NanoverServer {
        let session = NanoverSession(clock: configuration.clock, limits: configuration.stateLimits)
        do {
            return try await start(serving: session, ownsSession: true, address: address, port: port, configuration: configuration)
        } catch {
            session.close()
            throw error
        }
    }

    /// Starts a server for `session`, listening on `address` and `port`.
    /// Closing the server ends its own streams and leaves the session open
    /// for its owner to close.
    ///
    /// - Parameters:
    ///   - session: the session to serve; any number of servers, of either
    ///     protocol, may serve one session.
    ///   - address: an IP address (`[::]` or `0.0.0.0` for every interface)
    ///     or a host name such as `localhost`.
    ///   - port: the port; 0 lets the operating system choose (read ``port``).
    ///   - configuration: the server's settings; its ``Configuration/clock``
    ///     and ``Configuration/stateLimits`` are not used, the session
    ///     having its own.
    /// - Throws: ``NanoverServerError/portInUse(address:port:)`` when the port
    ///   is taken, or another ``NanoverServerError``.
    public static func start(
        serving session: NanoverSession,
        address: String = defaultAddress,
        port: Int = defaultPort,
        configuration: Configuration = Configuration()
    ) async throws(NanoverServerError) -> NanoverServer {
        try await start(serving: session, ownsSession: false, address: address, port: port, configuration: configuration)
    }

    private static func start(
        serving session: NanoverSession, ownsSession: Bool,
        address: String, port: Int, configuration: Configuration
    ) async throws(NanoverServerError) -> NanoverServer {
        let socketAddress: GRPCNIOTransportCore.SocketAddress
        do {
            socketAddress = try AddressParsing.listeningAddress(host: address, port: port)
        } catch {
            throw describe(error, address: address, port: port)
        }
        guard configuration.threads >= 0 else {
            throw .cannotListen(address: address, port: port, reason: "threads must not be negative")
        }
        let threads = configuration.threads > 0 ? ServerThreads.shared(count: configuration.threads) : nil
        let connectionUsers = configuration.removesDepartedUsers ? ConnectionUsers(engine: session.state, logger: configuration.logger) : nil
        let connections = OpenConnections()
        let transport = HTTP2ServerTransport.Posix(
            address: socketAddress,
            transportSecurity: .plaintext,
            config: .defaults { config in
                // Room to spare past our own limit, which the services enforce
                // with a status: past its limit the transport only resets.
                config.rpc.maxRequestPayloadSize = min(configuration.maxRequestMessageBytes, Int(Int32.max) / 4) * 2 + (1 << 20)
                // Left unset, nothing is advertised but HTTP/2 still enforces
                // 100, and the 101st stream of a connection kills it.
                config.http2.maxConcurrentStreams = configuration.maxConcurrentStreamsPerConnection
                config.connection.flushCoalescing = configuration.flushCoalescing
                config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
                    connections.accepted(channel)
                    return connectionUsers?.accepted(channel) ?? channel.eventLoop.makeSucceededVoidFuture()
                }
            },
            eventLoopGroup: threads?.group ?? .singleton
        )
        // Ours are registered through the same seam as an embedder's.
        let subscriptions = SubscriptionRegistry()
        let services: [any RegistrableRPCService] = [
            CommandService(registry: session.commands, maxRequestBytes: configuration.maxRequestMessageBytes, logger: configuration.logger),
            StateService(
                engine: session.state, subscriptions: subscriptions,
                maxRequestBytes: configuration.maxRequestMessageBytes, connectionUsers: connectionUsers, logger: configuration.logger),
            TrajectoryService(
                publisher: session.frames, subscriptions: SubscriptionRegistry(), maxRequestBytes: configuration.maxRequestMessageBytes),
        ] + configuration.additionalServices
        let pinned = ThreadPinningTransport(transport, threads: threads)
        let grpcServer = GRPCServer(transport: pinned, router: try ServiceRouting.router(for: services, transport: type(of: pinned)))
        // Awaited by close(), or below when listening fails. Handlers run in
        // child tasks of this one, so they inherit its executor preference.
        let serving = Task(executorPreference: threads?.followingExecutor) {
            try await grpcServer.serve()
        }
        let bound: GRPCNIOTransportCore.SocketAddress?
        do {
            bound = try await grpcServer.listeningAddress
        } catch {
            bound = nil
        }
        guard let bound, let boundPort = bound.ipv4?.port ?? bound.ipv6?.port else {
            // serve() ends with the reason listening failed.
            grpcServer.beginGracefulShutdown()
            let reason: any Error = if case .failure(let error) = await serving.result { error } else {
                NanoverServerError.cannotListen(address: address, port: port, reason: "no address was bound")
            }
            throw Self.describe(reason, address: address, port: port)
        }
        configuration.logger.debug("listening", metadata: ["address": "\(address)", "port": "\(boundPort)"])
        return NanoverServer(
            session: session, ownsSession: ownsSession, address: address, port: boundPort,
            grpcServer: grpcServer, serving: serving, subscriptions: subscriptions,
            closingServices: services.compactMap { $0 as? any ClosingAwareService }, connectionUsers: connectionUsers,
            connections: connections, configuration: configuration)
    }

    private static func describe(_ error: any Error, address: String, port: Int) -> NanoverServerError {
        if let error = error as? NanoverServerError {
            return error
        }
        if isAddressInUse(error) {
            return .portInUse(address: address, port: port)
        }
        return .cannotListen(address: address, port: port, reason: String(describing: error))
    }

    /// How many client connections (HTTP/2, each carrying any number of
    /// calls) are open now.
    public var connectionCount: Int { connections.count }

    /// How many state subscriptions this server has open now.
    public var subscriptionCount: Int {
        subscriptions.count
    }

    /// Stops the server: its subscriptions receive their pending changes and
    /// end normally, no new call is taken, then the server stops listening.
    /// Calls still running after the grace period are cut off, and at once
    /// if the calling task is cancelled. A session the server made for
    /// itself is closed too. Idempotent.
    public func close() async {
        if ownsSession {
            session.close()
        }
        // Connections ending from here on are the server's doing.
        connectionUsers?.beginClosing()
        grpcServer.beginGracefulShutdown()
        for service in closingServices {
            await service.serverWillClose()
        }
        let serving = self.serving
        // The group returns only once both children have: awaiting a task's
        // result cannot be cancelled, so the cut-off must happen inside it.
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = await serving.result
            }
            group.addTask { [grace = configuration.shutdownGracePeriod, logger = configuration.logger] in
                // Ends early when serving has ended (cancelled below) or the
                // caller is cancelled; only a full grace period is news.
                if (try? await Task.sleep(for: grace)) != nil {
                    logger.info("grace period over; cutting off remaining calls")
                }
                serving.cancel()
            }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Runs `body` with a started server and closes it afterwards, whether
/// `body` returns or throws.
///
/// The server makes a session of its own (see
/// ``NanoverServer/start(address:port:configuration:)``), closed with it.
///
/// - Parameters:
///   - address: the address to listen on, every interface by default.
///   - port: the port; 0 lets the operating system choose.
///   - configuration: the server's settings.
///   - body: what to do while the server runs.
/// - Returns: what `body` returns.
/// - Throws: ``NanoverServerError`` when the server cannot start, or what
///   `body` throws.
public func withNanoverServer<Result: Sendable>(
    address: String = NanoverServer.defaultAddress,
    port: Int = NanoverServer.defaultPort,
    configuration: NanoverServer.Configuration = NanoverServer.Configuration(),
    _ body: (NanoverServer) async throws -> Result
) async throws -> Result {
    let server = try await NanoverServer.start(address: address, port: port, configuration: configuration)
    do {
        let result = try await body(server)
        await server.close()
        return result
    } catch {
        await server.close()
        throw error
    }
}
