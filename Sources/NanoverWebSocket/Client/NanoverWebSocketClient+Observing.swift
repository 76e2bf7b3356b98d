import NIOCore
import NIOWebSocket

/// What a recorder needs of a client beside its public face: every message
/// as it came, the end of the connection, and a close that can be asked
/// for while the asking task is being cancelled.
extension NanoverWebSocketClient {
    /// Sees one message from the server, decoded and as the bytes it came
    /// in, on the connection's reading task: it must not block.
    typealias MessageObserver = @Sendable (IncomingMessage, ByteBufferView) -> Void

    /// Waits for the connection to end, and says how it did.
    func ended() async -> NanoverWebSocketClientError {
        await connection.withLock { $0 }?.value
        return link.withLock { $0.ending } ?? .closed
    }

    /// Asks the server to close (code 1000) without waiting for its answer,
    /// and cuts the connection if the answer has not come within
    /// ``Configuration/closeTimeout``; ``ended()`` then returns. Unlike
    /// ``close()``, it needs no task of its own, so a task being cancelled
    /// can ask it.
    func requestClose() {
        guard beginClosing() else { return }
        requests.end(throwing: NanoverWebSocketClientError.closed)
        let channel = socket.channel
        channel.writeAndFlush(WebSocketFrame.close(.normalClosure, reason: "", masked: true), promise: nil)
        channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.closeTimeout.inSeconds * 1e9))) {
            channel.close(promise: nil)
        }
    }

    /// Cuts the connection at once, with no close handshake: for a client
    /// that cannot go on (its recording cannot be written). It ends as
    /// closed by the client, not as a lost connection.
    func abort() {
        _ = beginClosing()
        socket.channel.close(promise: nil)
    }
}
