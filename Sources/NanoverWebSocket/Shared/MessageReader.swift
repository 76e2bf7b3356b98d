import NIOCore
import NIOWebSocket

/// Reads one side of a 2026 connection, the hub's or a client's: answers
/// pings, hands each message to its taker, refuses what is not a 2026
/// message (a text message, bytes that are not one) with close code 1003
/// and the reason, and answers the peer's close with its code.
enum MessageReader {
    /// How the reading ended.
    enum Ending: Sendable {
        /// The peer closed, with this code (nil when it gave none) and
        /// reason.
        case closedByPeer(code: WebSocketErrorCode?, reason: String)
        /// The peer sent what is not a 2026 message; it was told so.
        case refused(String)
        /// The connection ended without a close frame.
        case ended
        case failed(any Error)
    }

    static let textRefusal = "NanoVer messages are binary MessagePack"

    /// Reads until the connection ends or the peer breaks the protocol.
    ///
    /// - Parameters:
    ///   - masked: whether frames sent are masked (a client's are).
    ///   - answersClose: asked when the peer closes: false when this side
    ///     closed first, and the peer's close is the answer.
    ///   - take: takes each message, in order, with the bytes it came in
    ///     (a recorder keeps them as they are).
    static func read(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        masked: Bool, answersClose: () -> Bool, take: (IncomingMessage, ByteBufferView) -> Void
    ) async -> Ending {
        do {
            for try await frame in inbound {
                switch frame.opcode {
                case .binary:
                    let bytes = frame.unmaskedData.readableBytesView
                    let message: IncomingMessage
                    do {
                        message = try IncomingMessage(bytes: bytes)
                    } catch {
                        try? await outbound.write(.close(.unacceptableData, reason: "\(error)", masked: masked))
                        return .refused("\(error)")
                    }
                    take(message, bytes)
                case .text:
                    try? await outbound.write(.close(.unacceptableData, reason: textRefusal, masked: masked))
                    return .refused(textRefusal)
                case .ping:
                    try await outbound.write(frame.pong(masked: masked))
                case .connectionClose:
                    let (code, reason) = frame.closeCodeAndReason
                    if answersClose() {
                        try? await outbound.write(.closeAnswer(code, masked: masked))
                    }
                    return .closedByPeer(code: code, reason: reason)
                default:
                    continue
                }
            }
            return .ended
        } catch {
            return .failed(error)
        }
    }
}
