import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A WebSocket server on a free loopback port that plays a script to each
/// connection, then drops it without a close frame: for what our hub never
/// does (losing a client abruptly, sending what is not a 2026 message).
final class ScriptedServer: Sendable {
    typealias Script = @Sendable (NIOAsyncChannelInboundStream<WebSocketFrame>, NIOAsyncChannelOutboundWriter<WebSocketFrame>) async throws -> Void

    private enum Upgrade: Sendable {
        case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case notUpgraded
    }

    let port: Int
    private let listener: NIOAsyncChannel<EventLoopFuture<Upgrade>, Never>
    private let serving = Mutex<Task<Void, Never>?>(nil)

    private init(port: Int, listener: NIOAsyncChannel<EventLoopFuture<Upgrade>, Never>) {
        self.port = port
        self.listener = listener
    }

    static func start(_ script: @escaping Script) async throws -> ScriptedServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
                        shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                Upgrade.upgraded(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                        configuration: .init(upgradeConfiguration: NIOTypedHTTPServerUpgradeConfiguration(
                            upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    channel.close(promise: nil)
                                    return Upgrade.notUpgraded
                                }
                            })))
                }
            }
        let server = ScriptedServer(port: listener.channel.localAddress?.port ?? 0, listener: listener)
        let task = Task {
            await withDiscardingTaskGroup { group in
                _ = try? await listener.executeThenClose { inbound in
                    for try await upgrade in inbound {
                        group.addTask {
                            guard case .upgraded(let socket)? = try? await upgrade.get() else { return }
                            _ = try? await socket.executeThenClose { inbound, outbound in
                                try await script(inbound, outbound)
                            }
                        }
                    }
                }
            }
        }
        server.serving.withLock { $0 = task }
        return server
    }

    func close() async {
        listener.channel.close(promise: nil)
        await serving.withLock { $0 }?.value
    }
}

/// A TCP listener on a free loopback port that accepts and never answers.
final class SilentServer: Sendable {
    let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start() async throws -> SilentServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentServer(port: channel.localAddress?.port ?? 0, channel: channel)
    }

    func close() async {
        try? await channel.close()
    }
}

extension WebSocketFrame {
    /// A binary message, as a server sends it.
    static func message(_ bytes: [UInt8]) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes))
    }
}
