import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import NanoverCore
import Synchronization

/// A client of the NanoVer 2026 protocol (WebSocket + MessagePack): the
/// same shape as the gRPC client where the protocols overlap. It keeps a
/// mirror of the shared state (the server sends the whole state first,
/// then changes), changes the state, runs commands and registers commands
/// that run here, follows and publishes frames, and pulls on particles.
/// <doc:The2026Client> shows each in use.
///
/// There are no locks in the 2026 protocol and no reply to a state change:
/// the server applies a change whole (our hub refuses one touching a key
/// locked over gRPC, saying nothing) and sends it back to everyone, this
/// client included, so the mirror shows a change once the server has
/// applied it. Values travel exactly: integers stay integers, nil is a
/// value, binary stays binary.
///
/// Failures are ``NanoverWebSocketClientError``s. When the connection ends,
/// calls in flight fail and the streams end: normally after ``close()`` or
/// the server's normal close, with the error otherwise. Call ``close()``
/// when done: it stops this client's interactions and closes with code
/// 1000.
public final class NanoverWebSocketClient: Sendable {
    /// Settings of a client.
    public struct Configuration: Sendable {
        /// The largest message accepted from the server, in bytes (the
        /// reference's limit: 128 MiB). The first state message holds the
        /// whole state, and a frame may be large.
        public var maxMessageBytes = 128 * 1024 * 1024
        /// How long connecting (TCP, then the WebSocket upgrade) may take.
        public var connectTimeout: Duration = .seconds(10)
        /// A deadline for a command's reply and for ``fetchState()``; nil
        /// waits as long as the server takes.
        public var callTimeout: Duration?
        /// How long ``close()`` waits for the server to answer its close.
        public var closeTimeout: Duration = .seconds(2)
        /// Where the connection's unexpected end (a warning) and the
        /// client's lesser troubles (debug) are logged.
        public var logger = Logger(label: "nanover.websocket.client")

        /// The defaults: 128 MiB messages, 10 s to connect, no call
        /// deadline, 2 s for the server to answer a close.
        public init() {}
    }

    /// What a client's connection is doing: open (with its writer), being
    /// closed by ``close()``, or ended and why.
    struct Link {
        var writer: NIOAsyncChannelOutboundWriter<WebSocketFrame>?
        /// Set by ``close()``: calls from now on fail with ``NanoverWebSocketClientError/closed``.
        var closeRequested = false
        var ending: NanoverWebSocketClientError?
    }

    /// Where the client is connected.
    public let endpoint: WebSocketEndpoint
    let configuration: Configuration
    let socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
    let link = Mutex(Link())
    let mirror = StateMirror()
    let firstState = FirstStateMessage()
    /// The key removed to make a server that sends nothing for an empty
    /// state send a first message.
    let probeKey = EmptyStateProbe.makeKey()
    /// The client's requests to the server awaiting replies.
    let requests = PendingReplies<NanoverValue>()
    /// The commands registered to run on this client.
    let ownCommands = CommandRegistry()
    let knownCommands = Mutex<[String: CommandInfo]>([:])
    let frames = FrameReception()
    let ownInteractions = OwnInteractions()
    /// Sees each message the server sends before the client takes it.
    let observer: MessageObserver?
    /// The task that serves the connection; it ends with the connection.
    let connection = Mutex<Task<Void, Never>?>(nil)

    private init(
        endpoint: WebSocketEndpoint, configuration: Configuration, socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>,
        observer: MessageObserver?
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.socket = socket
        self.observer = observer
    }

    /// Connects to the 2026 server at `url` (`ws://HOST:PORT`) and starts
    /// receiving: the mirror fills as the server sends the whole state.
    ///
    /// - Parameters:
    ///   - url: `ws://HOST:PORT`: our hub's WebSocket port or a 2026 Python
    ///     server; an IPv6 host is bracketed, `ws://[::1]:38802`.
    ///   - configuration: Limits and deadlines.
    ///   - eventLoopGroup: The threads that carry the connection's I/O.
    /// - Returns: A client whose connection is open; the first state
    ///   message may still be on its way (``fetchState()`` waits for it).
    /// - Throws: ``NanoverWebSocketClientError/badURL(_:reason:)``,
    ///   ``NanoverWebSocketClientError/cannotConnect(_:reason:)`` (refused,
    ///   no such host, no answer in time) or
    ///   ``NanoverWebSocketClientError/upgradeFailed(_:reason:)`` (not a
    ///   WebSocket server).
    public static func connect(
        to url: String, configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(NanoverWebSocketClientError) -> NanoverWebSocketClient {
        try await connect(to: url, configuration: configuration, eventLoopGroup: eventLoopGroup, observer: nil)
    }

    /// Connects as ``connect(to:configuration:eventLoopGroup:)`` does, with
    /// `observer` seeing every message from the first.
    static func connect(
        to url: String, configuration: Configuration, eventLoopGroup: any EventLoopGroup, observer: MessageObserver?
    ) async throws(NanoverWebSocketClientError) -> NanoverWebSocketClient {
        let endpoint = try WebSocketEndpoint(url: url)
        let socket = try await WebSocketDialer.connect(
            to: endpoint, maxMessageBytes: configuration.maxMessageBytes, timeout: configuration.connectTimeout, group: eventLoopGroup)
        let client = NanoverWebSocketClient(endpoint: endpoint, configuration: configuration, socket: socket, observer: observer)
        await withCheckedContinuation { opened in
            client.start(opened: opened)
        }
        return client
    }

    /// Starts serving the connection; `opened` is resumed once messages can
    /// be sent (or the connection has already ended).
    private func start(opened: CheckedContinuation<Void, Never>) {
        let notOpened = Mutex<CheckedContinuation<Void, Never>?>(opened)
        // Kept here; close() ends and awaits it.
        let task = Task { [self] in
            var ending: NanoverWebSocketClientError
            do {
                ending = try await socket.executeThenClose { inbound, outbound in
                    link.withLock { $0.writer = outbound }
                    notOpened.withLock { $0.take() }?.resume()
                    return await receive(inbound, outbound)
                }
            } catch {
                ending = .connectionLost(reason: "\(error)")
            }
            notOpened.withLock { $0.take() }?.resume()
            end(ending)
        }
        connection.withLock { $0 = task }
    }

    /// Ends everything once the connection is over: calls in flight fail,
    /// streams end (normally after a normal close).
    private func end(_ reason: NanoverWebSocketClientError) {
        let ending = link.withLock { link in
            link.writer = nil
            // Once close() has asked, the ending is the client's own close.
            let ending = link.closeRequested ? NanoverWebSocketClientError.closed : reason
            link.ending = ending
            return ending
        }
        if !ending.isNormalEnding {
            configuration.logger.warning("NanoVer 2026 connection ended", metadata: ["url": "\(endpoint)", "reason": "\(ending)"])
        }
        let streamError: (any Error)? = ending.isNormalEnding ? nil : ending
        requests.end(throwing: ending)
        firstState.end(throwing: ending)
        mirror.end(error: streamError)
        frames.end(throwing: streamError)
    }

    /// Sends one message.
    ///
    /// - Throws: ``NanoverWebSocketClientError/closed`` once ``close()`` has
    ///   been called; how the connection ended once it has.
    func send(_ bytes: [UInt8], evenWhileClosing: Bool = false) async throws(NanoverWebSocketClientError) {
        let writer = try link.withLock { (link) throws(NanoverWebSocketClientError) in
            if let ending = link.ending { throw ending }
            guard let writer = link.writer, evenWhileClosing || !link.closeRequested else { throw .closed }
            return writer
        }
        do {
            try await writer.write(.binary(bytes, masked: true))
        } catch {
            throw link.withLock { $0.ending } ?? .connectionLost(reason: "\(error)")
        }
    }

    /// Stops this client's interactions (their keys are removed), closes
    /// the connection with code 1000, waits for the server's answer (at
    /// most ``Configuration/closeTimeout``), and ends everything: calls in
    /// flight fail with ``NanoverWebSocketClientError/closed``, the streams
    /// finish. Idempotent.
    public func close() async {
        if beginClosing() {
            do {
                try await ownInteractions.stopAll { change in
                    try await send(OutgoingMessage.state(change), evenWhileClosing: true)
                    return true
                }
            } catch {
                configuration.logger.debug("could not stop this client's interactions", metadata: ["error": "\(error)"])
            }
            requests.end(throwing: NanoverWebSocketClientError.closed)
            if let writer = link.withLock({ $0.writer }) {
                try? await writer.write(.close(.normalClosure, reason: "", masked: true))
                await waitForServerClose()
            }
        }
        await connection.withLock { $0 }?.value
    }

    /// Marks the client as closing: calls from now on fail with
    /// ``NanoverWebSocketClientError/closed``. True for the first close
    /// asked while the connection is open, which is the one to close it.
    func beginClosing() -> Bool {
        link.withLock { link in
            defer { link.closeRequested = true }
            return !link.closeRequested && link.ending == nil
        }
    }

    /// Waits for the connection to end after our close, and cuts it if the
    /// server does not answer in time.
    private func waitForServerClose() async {
        guard let task = connection.withLock({ $0 }) else { return }
        let timeout = configuration.closeTimeout
        let channel = socket.channel
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await task.value }
            group.addTask {
                if (try? await Task.sleep(for: timeout)) != nil {
                    channel.close(promise: nil)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
