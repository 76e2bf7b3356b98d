import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Opens a client's WebSocket: a TCP connection, then the HTTP upgrade,
/// each within the time given.
package enum WebSocketDialer {
    package static func connect(
        to endpoint: WebSocketEndpoint, maxMessageBytes: Int, timeout: Duration, group: any EventLoopGroup
    ) async throws(NanoverWebSocketClientError) -> NIOAsyncChannel<WebSocketFrame, WebSocketFrame> {
        let url = endpoint.description
        let (channel, negotiation): (any Channel, EventLoopFuture<WebSocketUpgrade>)
        do {
            (channel, negotiation) = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(timeout.inSeconds * 1e9)))
                // A hub's state messages reach hundreds of KB in a room of
                // hundreds of users: reads of up to 1 MiB take each in one or
                // two reads, where NIO's default 64 KB reads make the frame
                // decoder gather it piece by piece, moving its bytes again
                // at each piece.
                .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 1 << 20))
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(
                            upgradeConfiguration: upgradeConfiguration(endpoint, maxMessageBytes: maxMessageBytes))
                        // A server sends its first messages (the whole state)
                        // right after its 101, often in the same read: they
                        // must reach the WebSocket decoder, not be dropped
                        // with the HTTP decoder.
                        pipeline.leftOverBytesStrategy = .forwardBytes
                        let endHolder = ChannelEndHolder()
                        try channel.pipeline.syncOperations.addHandler(endHolder)
                        let negotiation = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                        // The upgrade handler hands on the bytes it kept right
                        // after settling the negotiation, in the same turn of
                        // the event loop: the end goes through on the next.
                        negotiation.assumeIsolated().whenComplete { _ in
                            channel.eventLoop.assumeIsolated().execute { endHolder.release() }
                        }
                        return (channel, negotiation)
                    }
                }
        } catch {
            throw .cannotConnect(url, reason: reason(error))
        }
        let upgrade: WebSocketUpgrade?
        do {
            upgrade = try await withThrowingTaskGroup(of: WebSocketUpgrade?.self) { group in
                group.addTask { try await negotiation.get() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    // Fails the negotiation, which then ends.
                    channel.close(promise: nil)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            channel.close(promise: nil)
            throw .upgradeFailed(url, reason: reason(error))
        }
        switch upgrade {
        case .upgraded(let socket)?:
            return socket
        case .notUpgraded?:
            channel.close(promise: nil)
            throw .upgradeFailed(url, reason: "the server answered the upgrade request with another status than 101")
        case nil:
            throw .upgradeFailed(url, reason: "no answer to the upgrade request within \(timeout.inSeconds) s")
        }
    }

    private static func upgradeConfiguration(
        _ endpoint: WebSocketEndpoint, maxMessageBytes: Int
    ) -> NIOTypedHTTPClientUpgradeConfiguration<WebSocketUpgrade> {
        let frameLimit = min(maxMessageBytes, Int(UInt32.max))
        let upgrader = NIOTypedWebSocketClientUpgrader<WebSocketUpgrade>(
            maxFrameSize: frameLimit,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16, maxAccumulatedFrameSize: frameLimit))
                    return WebSocketUpgrade.upgraded(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        // No body; said so, since some servers refuse a request without it.
        headers.add(name: "Content-Length", value: "0")
        return NIOTypedHTTPClientUpgradeConfiguration(
            upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers),
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeSucceededFuture(WebSocketUpgrade.notUpgraded)
            })
    }

    /// An error of connecting, said briefly.
    private static func reason(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first {
                return reason(first.error)
            }
            if let dns = connection.dnsAError ?? connection.dnsAAAAError {
                return "cannot resolve the host: \(dns)"
            }
            return "cannot resolve the host"
        }
        if case ChannelError.connectTimeout = error {
            return "no answer in time"
        }
        return "\(error)"
    }
}
