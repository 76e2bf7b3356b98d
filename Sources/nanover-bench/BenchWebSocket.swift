import NIOCore
import NIOWebSocket
import NanoverCore
import NanoverWebSocket

/// One 2026 (WebSocket) connection of the load generator: raw messages in
/// and out, with nothing decoded that the scenario does not ask for.
struct BenchWebSocket: Sendable {
    let channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

    /// Connects to `ws://host:port` on `group`'s threads, as the 2026
    /// client does.
    static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> BenchWebSocket {
        let endpoint = try WebSocketEndpoint(url: "ws://\(HostLiteral.bracketed(host)):\(port)")
        let channel = try await WebSocketDialer.connect(to: endpoint, maxMessageBytes: 256 << 20, timeout: .seconds(10), group: group)
        return BenchWebSocket(channel: channel)
    }

    /// Sends binary messages on one connection, masked as a client must.
    struct Sender: Sendable {
        let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

        func send(_ bytes: [UInt8]) async throws {
            try await outbound.write(.binary(bytes, masked: true))
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
                        case .ping: try await outbound.write(frame.pong(masked: true))
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
