import Foundation
import NIOCore
import NIOWebSocket
import NanoverCore
import NanoverMessagePack
import NanoverTestSupport
import NanoverWebSocket
import Synchronization
import Testing

/// Recording a 2026 server as one of its clients, as the reference's
/// recorder does: every message the server sends, kept as it came.
@Suite("Recording a 2026 server")
struct WebSocketRecorderTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-ws-recording-\(UUID().uuidString)")

    private func path() throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("session.nanover.zip").path
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    @Test("every message the server sends is written as it came: the whole state first, then changes and frames; cancelling ends it with a complete file")
    func recordsTheHub() async throws {
        defer { cleanUp() }
        let hub = try await Hub.start(initial: ["scene.title": "Water", "count": .uint(UInt64.max)])
        var first = Frame(values: [FrameKey.particleCount: 2])
        first.setParticlePositions([SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        try hub.session.frames.send(frameIndex: 0, frame: first)
        let sink = CapturingSink(writer: try MessageRecordingWriter(path: try path()))
        let recorder = NanoverWebSocketRecorder(sink: sink)
        let recording = Task { try await recorder.record(from: hub.url, configuration: Hub.clientConfiguration) }
        await waitUntil("the state and the first frame are written") {
            sink.messages.contains { $0.decoded.state != nil } && sink.messages.contains { $0.decoded.frame != nil }
        }
        try hub.session.state.update(StateChange(updates: ["avatar.a": ["name": "a"], "nothing": nil], removals: ["scene.title"]))
        for step in 1...3 {
            try hub.session.frames.send(frameIndex: UInt32(step), frame: Frame(values: ["step": .int(Int64(step))]))
            // Waited for, so that the hub's pacing cannot merge the frames.
            await waitUntil("frame \(step) is written") {
                sink.messages.contains { $0.decoded.frame?.frame.values["step"] == .int(Int64(step)) }
            }
        }
        await waitUntil("the change is written") { sink.messages.contains { $0.decoded.state?.updates["avatar.a"] != nil } }
        recording.cancel()
        let outcome = try await recording.value
        #expect(outcome.streamError == nil)
        let captured = sink.messages
        #expect(outcome.stateUpdates == captured.filter { $0.decoded.state != nil }.count)
        #expect(outcome.frames == captured.filter { $0.decoded.frame != nil }.count)

        let file = try MessageRecording(path: try path())
        try file.verify()
        #expect(file.entries.count == captured.count)
        for (position, message) in captured.enumerated() {
            #expect(try file.message(at: position) == message.bytes, "message \(position) is kept as it came")
        }
        #expect(file.entries.map(\.timestamp) == file.entries.map(\.timestamp).sorted())
        #expect(file.entries.first?.types == ["state"])
        #expect(captured.first?.decoded.state == StateChange(updates: ["scene.title": "Water", "count": .uint(UInt64.max)]))
        #expect(file.entries.compactMap(\.frameIndex) == [0, 1, 2, 3])
        let track = MessageRecordingTrack(file)
        let played = try (0..<file.entries.count).compactMap { try track.moment(at: $0).frame }
        #expect(try played.first?.frame.particlePositions() == [SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        let change = try (0..<file.entries.count).compactMap { try track.moment(at: $0).change }.first { $0.updates["avatar.a"] != nil }
        #expect(change == StateChange(updates: ["avatar.a": ["name": "a"], "nothing": nil], removals: ["scene.title"]), "a nil stays a value")
        await hub.close()
    }

    @Test("cancelling closes the connection with code 1000 and waits for the server's answer")
    func closesNormally() async throws {
        defer { cleanUp() }
        let closeCode = Box<WebSocketErrorCode?>(nil)
        let server = try await ScriptedServer.start { inbound, outbound in
            try await outbound.write(.message(OutgoingMessage.state(StateChange(updates: ["a": 1]))))
            for try await frame in inbound where frame.opcode == .connectionClose {
                var data = frame.unmaskedData
                closeCode.value = data.readWebSocketErrorCode()
                try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])))
                return
            }
        }
        let writer = try MessageRecordingWriter(path: try path())
        let recorder = NanoverWebSocketRecorder(sink: writer)
        // Time enough for the answer on a loaded machine: the test is that
        // the recorder waits for it, not how soon it comes.
        var configuration = Hub.clientConfiguration
        configuration.closeTimeout = .seconds(120)
        let recording = Task { [configuration] in
            try await recorder.record(from: "ws://127.0.0.1:\(server.port)", configuration: configuration)
        }
        await waitUntil("the state is written") { writer.count == 1 }
        recording.cancel()
        let outcome = try await recording.value
        #expect(closeCode.value == .normalClosure, "the server answered before the recording ended")
        #expect(outcome.streamError == nil && outcome.stateUpdates == 1)
        #expect(try MessageRecording(path: try path()).entries.count == 1)
        await server.close()
    }

    @Test("a server lost without a close ends the recording with the reason; a frame before any state follows an empty state message; the file is complete")
    func serverLost() async throws {
        defer { cleanUp() }
        let frame = OutgoingMessage.frame(index: 0, Frame(values: [FrameKey.particleCount: 1]))
        let server = try await ScriptedServer.start { _, outbound in
            try await outbound.write(.message(frame))
        }
        let recorder = try NanoverWebSocketRecorder(path: try path())
        let outcome = try await recorder.record(from: "ws://127.0.0.1:\(server.port)", configuration: Hub.clientConfiguration)
        guard case .connectionLost? = outcome.streamError as? NanoverWebSocketClientError else {
            Issue.record("ended by \(String(describing: outcome.streamError))")
            return
        }
        #expect(outcome.frames == 1 && outcome.stateUpdates == 0)
        let file = try MessageRecording(path: try path())
        #expect(file.entries.map(\.types) == [["state"], ["frame"]])
        #expect(try MessageRecordingTrack(file).moment(at: 0).change == StateChange())
        #expect(try file.message(at: 1) == frame)
        await server.close()
    }

    @Test("nothing listening: cannotConnect, and the recording is closed, empty")
    func unreachable() async throws {
        defer { cleanUp() }
        let hub = try await Hub.start()
        let url = hub.url
        await hub.close()
        let recorder = try NanoverWebSocketRecorder(path: try path())
        await #expect(throws: NanoverWebSocketClientError.self) {
            _ = try await recorder.record(from: url, configuration: Hub.clientConfiguration)
        }
        #expect(try MessageRecording(path: try path()).entries.isEmpty)
    }

    @Test("a sink that cannot write ends the recording with its error and cuts the connection")
    func sinkFailure() async throws {
        let hub = try await Hub.start(initial: ["a": 1])
        let recorder = NanoverWebSocketRecorder(sink: FailingSink())
        await #expect(throws: FailingSink.DiskFull.self) {
            _ = try await recorder.record(from: hub.url, configuration: Hub.clientConfiguration)
        }
        await waitUntil("the hub has let the connection go") { hub.webSocket.connectionCount == 0 }
        await hub.close()
    }
}

/// Writes to a 2026 recording and keeps what it was handed, for the test
/// to wait on and compare with the file.
private final class CapturingSink: ReceivedMessageSink {
    struct Message: Sendable {
        var bytes: [UInt8]
        var decoded: IncomingMessage
    }

    let writer: MessageRecordingWriter
    private let captured = Mutex<[Message]>([])

    init(writer: MessageRecordingWriter) {
        self.writer = writer
    }

    var messages: [Message] { captured.withLock { $0 } }

    func append(_ message: [UInt8], holding decoded: IncomingMessage, at timestamp: UInt64) throws {
        try writer.append(message, holding: decoded, at: timestamp)
        captured.withLock { $0.append(Message(bytes: message, decoded: decoded)) }
    }

    func close() throws {
        try writer.close()
    }
}

/// A sink whose disk is full.
private final class FailingSink: ReceivedMessageSink {
    struct DiskFull: Error {}

    func append(_ message: [UInt8], holding decoded: IncomingMessage, at timestamp: UInt64) throws {
        throw DiskFull()
    }

    func close() throws {}
}
