import NIOCore
import NIOPosix
import NIOWebSocket
import NanoverCore
import NanoverTestSupport
@testable import NanoverWebSocket
import Testing

/// A message over the hub's size limit, one of the contract's kinds of bad
/// input: the sender is told, nothing of it is applied, the others go on.
@Suite("2026 hub: oversized messages")
struct OversizedMessageTests {
    @Test("a message over the size limit closes that connection with 1009 (too big), applies nothing, and leaves the others serving")
    func oversized() async throws {
        let session = NanoverSession()
        var settings = NanoverWebSocketServer.Configuration()
        settings.maxMessageBytes = 1024
        let server = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0, configuration: settings)
        let url = "ws://127.0.0.1:\(server.port)"
        let other = try await NanoverWebSocketClient.connect(to: url, configuration: Hub.clientConfiguration)
        let socket = try await WebSocketDialer.connect(
            to: WebSocketEndpoint(url: url), maxMessageBytes: 1 << 20, timeout: .seconds(120), group: MultiThreadedEventLoopGroup.singleton)
        let big = OutgoingMessage.state(StateChange(updates: ["big": .string(String(repeating: "x", count: 4096))]))
        let closeCode = try await socket.executeThenClose { inbound, outbound in
            try await outbound.write(.binary(big, masked: true))
            for try await frame in inbound where frame.opcode == .connectionClose {
                return frame.closeCodeAndReason.code
            }
            return nil
        }
        #expect(closeCode == .messageTooLarge)
        #expect(session.state.value(forKey: "big") == nil)
        try await other.setState("still", to: "serving")
        await waitUntil("the other client sees its own change") { other.copyState()["still"] == "serving" }
        await other.close()
        await server.close()
        session.close()
    }
}
