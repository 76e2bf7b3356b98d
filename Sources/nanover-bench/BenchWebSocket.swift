import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// One 2026 (WebSocket) connection of the load generator: raw messages in
/// and out, with nothing decoded that the scenario does not ask for.
struct BenchWebSocket: Sendable {
    let channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

    private enum Upgrade: Sendable {
        case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    struct UpgradeRefused: Error {}

    /// Connects to `ws://host:port` on `group`'s threads.
    static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> BenchWebSocket {
        let limit = 256 << 20
        let upgrade = try await ClientBootstrap(group: group)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: limit, upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16, maxAccumulatedFrameSize: limit))
                            return Upgrade.upgraded(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                        }
                    })
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "\(host):\(port)")
                    headers.add(name: "Content-Length", value: "0")
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: .init(
                        upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                            upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: headers),
                            upgraders: [upgrader],
                            notUpgradingCompletionHandler: { $0.eventLoop.makeSucceededFuture(Upgrade.refused) })))
                }
            }
        guard case .upgraded(let channel) = try await upgrade.get() else { throw UpgradeRefused() }
        return BenchWebSocket(channel: channel)
    }

    /// Sends binary messages on one connection, masked as a client must.
    struct Sender: Sendable {
        let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

        func send(_ bytes: [UInt8]) async throws {
            try await outbound.write(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: bytes)))
        }
    }

    /// Hands each binary message received to `onMessage` and runs `writing`
    /// beside, answering pings, until cancelled or the server closes.
    func run(
        onMessage: @escaping @Sendable (ByteBuffer) -> Void,
        writing: @escaping @Sendable (Sender) async throws -> Void
    ) async throws {
        try await channel.executeThenClose { inbound, outbound in
            let sender = Sender(outbound: outbound)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writing(sender) }
                group.addTask {
                    for try await frame in inbound {
                        switch frame.opcode {
                        case .binary: onMessage(frame.unmaskedData)
                        case .ping:
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData))
                        case .connectionClose: return
                        default: continue
                        }
                    }
                }
                // Whichever ends first ends the connection.
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
