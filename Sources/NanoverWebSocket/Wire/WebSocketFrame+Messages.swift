import NIOCore
import NIOWebSocket

/// The WebSocket frames both sides of a 2026 connection send. A client
/// masks every frame with a fresh key and a server never does, as RFC 6455
/// requires.
extension WebSocketFrame {
    /// One binary message holding `bytes`.
    package static func binary(_ bytes: [UInt8], masked: Bool = false) -> WebSocketFrame {
        binary(ByteBuffer(bytes: bytes), masked: masked)
    }

    /// One binary message holding `buffer`'s readable bytes. Unmasked, the
    /// buffer is sent as it is: one shared by several connections is never
    /// copied.
    package static func binary(_ buffer: ByteBuffer, masked: Bool = false) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .binary, maskKey: masked ? .random() : nil, data: buffer)
    }

    /// A close frame with `code` and `reason` (cut to fit a control frame).
    static func close(_ code: WebSocketErrorCode, reason: String, masked: Bool = false) -> WebSocketFrame {
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        data.writeString(String(reason.utf8.prefix(120)) ?? "")
        return WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: masked ? .random() : nil, data: data)
    }

    /// The answer to a peer's close: its code echoed (nothing when it gave
    /// none), no reason.
    static func closeAnswer(_ code: WebSocketErrorCode?, masked: Bool = false) -> WebSocketFrame {
        var data = ByteBuffer()
        if let code { data.write(webSocketErrorCode: code) }
        return WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: masked ? .random() : nil, data: data)
    }

    /// The answer to a ping: a pong with its data.
    package func pong(masked: Bool = false) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .pong, maskKey: masked ? .random() : nil, data: unmaskedData)
    }

    /// A close frame's code (nil when it has none) and reason.
    var closeCodeAndReason: (code: WebSocketErrorCode?, reason: String) {
        var data = unmaskedData
        let code = data.readWebSocketErrorCode()
        return (code, data.readString(length: data.readableBytes) ?? "")
    }
}
