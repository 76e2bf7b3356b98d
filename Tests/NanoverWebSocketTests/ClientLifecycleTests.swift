import NIOCore
import NIOWebSocket
import NanoverCore
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// Connecting, closing, and losing the server: clear errors, never a hang.
@Suite("2026 client: connecting and closing")
struct ClientLifecycleTests {
    @Test("a URL that is not ws://HOST:PORT is refused, saying why", arguments: [
        "localhost:38801", "http://127.0.0.1:1", "wss://127.0.0.1:1", "ws://127.0.0.1", "ws://:80", "ws://127.0.0.1:0",
        "ws://127.0.0.1:70000", "ws://127.0.0.1:1/?a=b", "",
    ])
    func badURL(_ url: String) async throws {
        do {
            _ = try await NanoverWebSocketClient.connect(to: url, configuration: Hub.clientConfiguration)
            Issue.record("\(url) was taken")
        } catch {
            guard case .badURL(let given, let reason) = error else {
                Issue.record("\(url): \(error)")
                return
            }
            #expect(given == url)
            #expect(!reason.isEmpty)
        }
    }

    @Test("the URL's parts are read: host, port, path; IPv6 literals too")
    func endpoint() throws {
        let plain = try WebSocketEndpoint(url: "ws://example.org:38802")
        #expect(plain.host == "example.org")
        #expect(plain.port == 38802)
        #expect(plain.path == "/")
        #expect(plain.description == "ws://example.org:38802")
        let six = try WebSocketEndpoint(url: "ws://[::1]:9/x")
        #expect(six.host == "::1")
        #expect(six.path == "/x")
        #expect(six.description == "ws://[::1]:9/x")
    }

    @Test("nothing listening: cannotConnect")
    func refused() async throws {
        let hub = try await Hub.start()
        let url = hub.url
        await hub.close()
        do {
            _ = try await NanoverWebSocketClient.connect(to: url, configuration: Hub.clientConfiguration)
            Issue.record("connected to a closed port")
        } catch {
            guard case .cannotConnect(let given, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(given == url)
        }
    }

    @Test("a server that is not a WebSocket server (our gRPC port): upgradeFailed")
    func notWebSocket() async throws {
        let hub = try await Hub.start(grpc: true)
        let url = "ws://127.0.0.1:\(try #require(hub.grpc).port)"
        do {
            _ = try await NanoverWebSocketClient.connect(to: url, configuration: Hub.clientConfiguration)
            Issue.record("upgraded on the gRPC port")
        } catch {
            guard case .upgradeFailed = error else {
                Issue.record("\(error)")
                return
            }
        }
        await hub.close()
    }

    @Test("a server that never answers the upgrade: upgradeFailed once the connect timeout has passed")
    func silentServer() async throws {
        let silent = try await SilentServer.start()
        var configuration = NanoverWebSocketClient.Configuration()
        // The one deadline covers the TCP connection too, and 300 ms was
        // tight for it while the whole suite loads the machine (this test
        // failed once in four runs of the suite with it).
        configuration.connectTimeout = .seconds(5)
        do {
            _ = try await NanoverWebSocketClient.connect(to: "ws://127.0.0.1:\(silent.port)", configuration: configuration)
            Issue.record("connected to a silent server")
        } catch {
            guard case .upgradeFailed(_, let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.contains("no answer"))
        }
        await silent.close()
    }

    @Test("close: calls in flight fail, streams finish, later calls fail, the hub sees the client go; idempotent")
    func close() async throws {
        let hub = try await Hub.start()
        let stuckCommand = try StuckCommand(on: hub)
        let client = try await hub.connect()
        _ = try await client.fetchState()
        #expect(hub.webSocket.connectionCount == 1)
        let changes = client.stateChanges()
        let frames = client.subscribeFrames()
        let stuck = Task { try await client.runCommand(stuckCommand.name) }
        await waitUntil("the command is running") { stuckCommand.isRunning }
        await client.close()
        await #expect(throws: NanoverWebSocketClientError.closed) { try await stuck.value }
        var iterator = changes.makeAsyncIterator()
        while try await iterator.next() != nil {}
        #expect(try await frames.next() == nil)
        await #expect(throws: NanoverWebSocketClientError.closed) { try await client.setState("late", to: 1) }
        await #expect(throws: NanoverWebSocketClientError.closed) { _ = try await client.runCommand(stuckCommand.name) }
        await client.close()
        // The hub's side of the connection ends once the command it runs
        // for it has.
        stuckCommand.release()
        await waitUntil("the hub sees the client go") { hub.webSocket.connectionCount == 0 }
        await hub.close()
    }

    @Test("the hub closing: streams finish normally, calls in flight and later fail saying the server closed (1000)")
    func hubCloses() async throws {
        let hub = try await Hub.start(initial: ["a": 1])
        let stuckCommand = try StuckCommand(on: hub)
        let client = try await hub.connect()
        _ = try await client.fetchState()
        let changes = client.stateChanges()
        let frames = client.subscribeLatestFrames()
        let stuck = Task { try await client.runCommand(stuckCommand.name) }
        await waitUntil("the hub runs the command") { stuckCommand.isRunning }
        let closing = Task { await hub.webSocket.close() }
        var iterator = changes.makeAsyncIterator()
        while try await iterator.next() != nil {}
        #expect(try await frames.next() == nil)
        await #expect(throws: NanoverWebSocketClientError.closedByServer(code: 1000, reason: "the hub is closing")) {
            try await client.setState("late", to: 1)
        }
        await #expect(throws: NanoverWebSocketClientError.self) { _ = try await stuck.value }
        stuckCommand.release()
        await closing.value
        await client.close()
        await hub.close()
    }

    @Test("a connection lost without a close: streams and calls throw connectionLost, nothing hangs")
    func lost() async throws {
        let gate = Gate()
        let server = try await ScriptedServer.start { inbound, outbound in
            try await outbound.write(.message(OutgoingMessage.state(StateChange(updates: ["a": 1]))))
            await gate.wait()
            // Dropped: the script ends and the socket closes, without a close frame.
        }
        let client = try await NanoverWebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)", configuration: Hub.clientConfiguration)
        #expect(try await client.fetchState() == ["a": 1])
        let changes = client.stateChanges()
        let frames = client.subscribeFrames()
        let call = Task { try await client.runCommand("anything") }
        gate.open()
        await #expect(throws: NanoverWebSocketClientError.self) {
            for try await _ in changes {}
        }
        do {
            _ = try await frames.next()
            Issue.record("the frame stream ended normally")
        } catch {
            guard case NanoverWebSocketClientError.connectionLost = error else {
                Issue.record("\(error)")
                return
            }
        }
        await #expect(throws: NanoverWebSocketClientError.self) { _ = try await call.value }
        await #expect(throws: NanoverWebSocketClientError.self) { try await client.setState("late", to: 1) }
        await client.close()
        await server.close()
    }

    @Test("a message a server sends straight after its 101, hanging up at once, is still received (50 connections at once)")
    func messageBeforeHangingUp() async throws {
        let server = try await ScriptedServer.start { _, outbound in
            try await outbound.write(.message(OutgoingMessage.state(StateChange(updates: ["last": "words"]))))
            // Dropped at once: the message and the connection's end often
            // arrive together, while the client is still being upgraded.
        }
        let received = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let client = try await NanoverWebSocketClient.connect(
                        to: "ws://127.0.0.1:\(server.port)", configuration: Hub.clientConfiguration)
                    do {
                        for try await _ in client.stateChanges() {}
                    } catch {}
                    await client.close()
                    return client.copyState()["last"] == "words"
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(received == 50)
        await server.close()
    }

    @Test("a server sending what is not a 2026 message is closed with 1003; the streams say why")
    func badMessage() async throws {
        let closeCode = Box<UInt16?>(nil)
        let server = try await ScriptedServer.start { inbound, outbound in
            try await outbound.write(.message([0xC1]))
            for try await frame in inbound where frame.opcode == .connectionClose {
                var data = frame.unmaskedData
                closeCode.value = data.readWebSocketErrorCode().map { UInt16(webSocketErrorCode: $0) }
                return
            }
        }
        let client = try await NanoverWebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)", configuration: Hub.clientConfiguration)
        do {
            for try await _ in client.stateChanges() {}
            Issue.record("the stream ended normally")
        } catch {
            guard case NanoverWebSocketClientError.badMessage = error else {
                Issue.record("\(error)")
                return
            }
        }
        await waitUntil("the server got the close") { closeCode.value != nil }
        #expect(closeCode.value == 1003)
        await client.close()
        await server.close()
    }

    @Test("pings are answered")
    func ping() async throws {
        let pong = Box<[UInt8]?>(nil)
        let server = try await ScriptedServer.start { inbound, outbound in
            try await outbound.write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(bytes: [1, 2, 3])))
            for try await frame in inbound where frame.opcode == .pong {
                pong.value = Array(frame.unmaskedData.readableBytesView)
                return
            }
        }
        let client = try await NanoverWebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)", configuration: Hub.clientConfiguration)
        await waitUntil("the pong arrives") { pong.value != nil }
        #expect(pong.value == [1, 2, 3])
        await client.close()
        await server.close()
    }
}
