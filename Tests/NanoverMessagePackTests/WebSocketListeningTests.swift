import NanoverCore
import NanoverWebSocket
import Testing

@Suite("Where a WebSocket server listens")
struct WebSocketListeningTests {
    @Test("a bracketed IPv6 literal, as the hub's default [::] is written, is listened on")
    func bracketed() async throws {
        let session = NanoverSession()
        let server = try await NanoverWebSocketServer.start(serving: session, address: "[::1]", port: 0)
        #expect(server.port > 0)
        await server.close()
        session.close()
    }

    @Test("a port another socket holds is a clear error")
    func portInUse() async throws {
        let session = NanoverSession()
        let first = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0)
        await #expect {
            _ = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: first.port)
        } throws: { error in
            guard case WebSocketServerError.portInUse(let address, let port) = error else { return false }
            return address == "127.0.0.1" && port == first.port
                && "\(error)" == "WebSocket port \(first.port) on 127.0.0.1 is already in use"
        }
        await first.close()
        session.close()
    }
}
