import GRPCCore
import GRPCNIOTransportHTTP2

/// One insecure HTTP/2 connection to a NanoVer server (reconnecting as
/// needed), shareable by several clients and by any generated service client.
///
/// ```swift
/// let connection = try NanoverConnection.insecure(address: "localhost", port: 38801)
/// let trajectory = Some_Generated_Service.Client(wrapping: connection.grpcClient)
/// ```
///
/// Whoever makes a connection closes it with ``close()``.
public final class NanoverConnection: Sendable {
    /// The gRPC client: wrap any generated service client around it to call
    /// other services of the same server over this connection.
    public let grpcClient: GRPCClient<HTTP2ClientTransport.Posix>
    /// The server's address, as given: an IP address or a host name.
    public let address: String
    /// The server's port.
    public let port: Int

    private let running: Task<Void, any Error>

    private init(grpcClient: GRPCClient<HTTP2ClientTransport.Posix>, address: String, port: Int, eventLoop: DedicatedEventLoop?) {
        self.grpcClient = grpcClient
        self.address = address
        self.port = port
        // Awaited by close().
        self.running = Task(executorPreference: eventLoop?.taskExecutor) { try await grpcClient.runConnections() }
    }

    /// A plaintext connection to `address` and `port`. Connecting happens in
    /// the background: nothing fails here when no server listens; the first
    /// call does, with `UNAVAILABLE`.
    ///
    /// - Parameters:
    ///   - address: the server's IP address (IPv6 in brackets or not) or host
    ///     name.
    ///   - port: the server's port, by default NanoVer's 38801.
    ///   - eventLoop: a thread to carry this connection's I/O, for callers
    ///     that run their own tasks on it too (see ``DedicatedEventLoop``); by
    ///     default NIO's shared loops.
    ///   - flushCoalescing: how the transport batches writes before flushing
    ///     them; nil, the default, flushes each message at once, as the
    ///     server does (see ``NanoverServer/Configuration/flushCoalescing``).
    /// - Throws: the transport's error for a target it cannot make.
    public static func insecure(
        address: String = "localhost",
        port: Int = NanoverServer.defaultPort,
        eventLoop: DedicatedEventLoop? = nil,
        flushCoalescing: HTTP2ClientTransport.Config.Connection.FlushCoalescing? = nil
    ) throws -> NanoverConnection {
        let target = AddressParsing.connectionTarget(host: address, port: port)
        let config = HTTP2ClientTransport.Posix.Config.defaults { $0.connection.flushCoalescing = flushCoalescing }
        let transport = if let eventLoop {
            try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext, config: config, eventLoopGroup: eventLoop.group)
        } else {
            try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext, config: config)
        }
        return NanoverConnection(grpcClient: GRPCClient(transport: transport), address: address, port: port, eventLoop: eventLoop)
    }

    /// Lets calls in flight finish, then closes the connection. Idempotent.
    public func close() async {
        grpcClient.beginGracefulShutdown()
        _ = await running.result
    }
}
