import Logging
import NIOCore
import NIOPosix

/// Listens for hubs: binds a UDP port (54545 unless told otherwise,
/// shareable with other listeners and senders on the machine) and reads
/// every datagram as a hub description.
///
/// ```swift
/// let listener = try await DiscoveryListener.start()
/// for await hub in listener.hubs(within: .seconds(2)) {   // each hub once
///     print(hub.name, hub.host, hub.services)
/// }
/// await listener.close()
/// ```
///
/// A datagram that is not a description (malformed, oversized, not UTF-8)
/// is skipped, logged at debug level and counted in
/// ``skippedDatagrams``: anyone on the network can send one. Any number of
/// searches may run on one listener, one after another or at once; each
/// sees only what arrives while it runs.
public final class DiscoveryListener: Sendable {
    /// The UDP port listened on: the real one when started with port 0.
    public let port: Int
    private let channel: any Channel
    private let searches: HubSearches
    private let reader: DatagramReader

    private init(channel: any Channel, searches: HubSearches, reader: DatagramReader) {
        self.channel = channel
        self.searches = searches
        self.reader = reader
        self.port = channel.localAddress?.port ?? 0
    }

    /// Binds `port` on `host` (every IPv4 address by default) and starts
    /// reading.
    ///
    /// - Parameters:
    ///   - port: the UDP port, ESSD's 54545 by default; 0 lets the system
    ///     choose (for tests), see ``port``.
    ///   - host: the IPv4 address to bind: `0.0.0.0` hears every network,
    ///     `127.0.0.1` only this machine.
    ///   - logger: where skipped datagrams are said, at debug level.
    ///   - eventLoopGroup: the threads the socket runs on, NIO's shared ones
    ///     by default.
    /// - Returns: the listener, reading; searches see what arrives from the
    ///   moment each starts.
    /// - Throws: ``DiscoveryError/invalidPort(_:)``, or the system's error
    ///   when the port cannot be bound.
    public static func start(
        port: Int = ESSD.port,
        host: String = "0.0.0.0",
        logger: Logger = Logger(label: "nanover.discovery"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> DiscoveryListener {
        guard (0...65535).contains(port) else { throw DiscoveryError.invalidPort(port) }
        let searches = HubSearches()
        let reader = DatagramReader(searches: searches, logger: logger)
        let channel = try await DatagramBootstrap.essd(group: eventLoopGroup)
            // One byte more than a description may take, so that a longer
            // datagram arrives cut at that length and is known too long.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: ESSD.maximumMessageBytes + 1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(reader)
                }
            }
            .bind(host: host, port: port)
            .get()
        return DiscoveryListener(channel: channel, searches: searches, reader: reader)
    }

    /// Hubs heard from now on, each once (by id), until `duration` has
    /// passed (nil: until the reader stops or the listener closes).
    public func hubs(within duration: Duration? = nil) -> AsyncStream<DiscoveredHub> {
        searches.start(duration: duration, repeats: false, eventLoop: channel.eventLoop)
    }

    /// Every description heard from now on, repeats included, until
    /// `duration` has passed (nil: until the reader stops or the listener
    /// closes): for watching hubs come and go.
    public func announcements(within duration: Duration? = nil) -> AsyncStream<DiscoveredHub> {
        searches.start(duration: duration, repeats: true, eventLoop: channel.eventLoop)
    }

    /// How many datagrams were not hub descriptions.
    public var skippedDatagrams: Int {
        reader.skipped.load(ordering: .relaxed)
    }

    /// Ends every search and closes the socket. Idempotent.
    public func close() async {
        searches.closeAll()
        try? await channel.close()
    }
}
