import Logging
import NanoverCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP server for operators: `GET /metrics` answers the hub's
/// metrics as Prometheus text, `GET /health` 200 while the hub serves and
/// 503 once it is shutting down. Anything else is 404 (or 405 for another
/// method). Each connection gets one answer and is closed.
public final class MetricsServer: Sendable {
    /// The port it listens on (the real one when asked for 0).
    public let port: Int
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let serving: Mutex<Task<Void, Never>?> = Mutex(nil)

    private init(port: Int, channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>) {
        self.port = port
        self.channel = channel
    }

    /// Listens on `address` (bracketed IPv6 literals allowed) and `port`.
    ///
    /// The library counts through swift-metrics and never picks a backend:
    /// `metrics` returns whatever the program bootstrapped renders
    /// (`nanover-server` uses swift-prometheus's registry, after a
    /// ``HubGauges/sample(session:server:webSocket:)``).
    ///
    /// - Parameters:
    ///   - address: the address to listen on, e.g. the hub's own.
    ///   - port: the port; 0 lets the operating system choose (read
    ///     ``port``).
    ///   - health: the hub's health, read for each `/health` request.
    ///   - logger: where requests that fail are said, at debug level.
    ///   - metrics: the Prometheus text of the metrics, made for each scrape.
    /// - Returns: the server, listening.
    /// - Throws: the system's error when the address cannot be bound.
    public static func start(
        address: String, port: Int, health: HubHealth, logger: Logger,
        metrics: @escaping @Sendable () -> [UInt8]
    ) async throws -> MetricsServer {
        let host = HostLiteral.unbracketed(address)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let server = MetricsServer(port: channel.channel.localAddress?.port ?? port, channel: channel)
        let task = Task {
            await withDiscardingTaskGroup { group in
                _ = try? await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            do {
                                try await answer(connection, health: health, metrics: metrics)
                            } catch {
                                logger.debug("metrics request failed", metadata: ["error": "\(error)"])
                            }
                        }
                    }
                }
            }
        }
        server.serving.withLock { $0 = task }
        return server
    }

    /// Stops listening and waits for the answers under way.
    public func close() async {
        channel.channel.close(promise: nil)
        await serving.withLock { $0 }?.value
    }

    private static func answer(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, health: HubHealth,
        metrics: @Sendable () -> [UInt8]
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let request): head = request
                case .body: continue
                case .end:
                    guard let head else { return }
                    let (status, type, body) = response(to: head, health: health, metrics: metrics)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: type)
                    headers.add(name: "Content-Length", value: String(body.count))
                    headers.add(name: "Connection", value: "close")
                    try await outbound.write(.head(HTTPResponseHead(version: head.version, status: status, headers: headers)))
                    if head.method != .HEAD {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    }
                    try await outbound.write(.end(nil))
                    return
                }
            }
        }
    }

    /// Prometheus's text exposition format, version 0.0.4.
    static let metricsType = "text/plain; version=0.0.4; charset=utf-8"

    private static func response(
        to head: HTTPRequestHead, health: HubHealth, metrics: () -> [UInt8]
    ) -> (HTTPResponseStatus, String, [UInt8]) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/metrics" || path == "/health" else {
            return (.notFound, "text/plain; charset=utf-8", Array("not found: try /metrics or /health\n".utf8))
        }
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, "text/plain; charset=utf-8", Array("GET only\n".utf8))
        }
        if path == "/metrics" {
            return (.ok, metricsType, metrics())
        }
        return health.isServing
            ? (.ok, "text/plain; charset=utf-8", Array("serving\n".utf8))
            : (.serviceUnavailable, "text/plain; charset=utf-8", Array("shutting down\n".utf8))
    }
}

/// Whether a hub is serving or shutting down, for health checks.
public final class HubHealth: Sendable {
    private let shuttingDown = Atomic<Bool>(false)

    /// A hub's health, serving until told otherwise.
    public init() {}

    /// True until ``beginShuttingDown()``.
    public var isServing: Bool { !shuttingDown.load(ordering: .relaxed) }

    /// From now on the hub reports itself unavailable.
    public func beginShuttingDown() {
        shuttingDown.store(true, ordering: .relaxed)
    }
}
