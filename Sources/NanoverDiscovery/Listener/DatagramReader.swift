import Logging
import NIOCore
import Synchronization

/// Reads each datagram as a hub description and hands it to the searches;
/// counts and logs the rest.
final class DatagramReader: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let searches: HubSearches
    private let logger: Logger
    /// How many datagrams were not descriptions.
    let skipped = Atomic<Int>(0)

    init(searches: HubSearches, logger: Logger) {
        self.searches = searches
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let sender = envelope.remoteAddress.ipAddress ?? "\(envelope.remoteAddress)"
        do {
            let description = try HubDescription(json: envelope.data.readableBytesView)
            searches.deliver(DiscoveredHub(advertised: description, sender: sender))
        } catch {
            skipped.add(1, ordering: .relaxed)
            logger.debug("skipped a datagram", metadata: ["from": "\(sender)", "error": "\(error)"])
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A read error on a datagram socket (an ICMP error reported late,
        // say) concerns one datagram, not the listener.
        logger.debug("datagram read error", metadata: ["error": "\(error)"])
    }
}
