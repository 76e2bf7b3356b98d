import Foundation
import NanoverCore
import NanoverGRPC
import NanoverHub
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// A 2026 server recorded to the gRPC-era pair of files: each message
/// converted to what a gRPC client would have been sent.
@Suite("Recording a 2026 server to .traj and .state")
struct WebSocketServerRecordingTests {
    private let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-ws-to-grpc-\(UUID().uuidString)").path

    private func entries(_ path: String) throws -> [RecordingEntry] {
        var reader = try RecordingReader(path: path)
        var entries: [RecordingEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }

    @Test("state messages become StateUpdates (a nil value a removal), frame messages GetFrameResponses with their index and arrays")
    func converts() async throws {
        defer {
            try? FileManager.default.removeItem(atPath: prefix + ".traj")
            try? FileManager.default.removeItem(atPath: prefix + ".state")
        }
        let session = NanoverSession()
        try session.state.update(StateChange(updates: ["scene.title": "Water", "count": 3]))
        var first = Frame(values: [FrameKey.particleCount: 2])
        first.setParticlePositions([SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        try session.frames.send(frameIndex: 0, frame: first)
        let server = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0)
        let recorder = NanoverWebSocketRecorder(sink: try RecordingFormats.webSocketServerSink(path: prefix))
        var configuration = NanoverWebSocketClient.Configuration()
        configuration.connectTimeout = .seconds(120)
        let recording = Task { [configuration] in
            try await recorder.record(from: "ws://127.0.0.1:\(server.port)", configuration: configuration)
        }
        await waitUntil("the state and the first frame are written") {
            (try? entries(prefix + ".state").count) == 1 && (try? entries(prefix + ".traj").count) == 1
        }
        try session.state.update(StateChange(updates: ["avatar.a": ["name": "a"], "nothing": nil], removals: ["scene.title"]))
        try session.frames.send(frameIndex: 1, frame: Frame(values: ["step": 1]))
        await waitUntil("the change and the second frame are written") {
            (try? entries(prefix + ".state").count) == 2 && (try? entries(prefix + ".traj").count) == 2
        }
        recording.cancel()
        let outcome = try await recording.value
        #expect(outcome.streamError == nil && outcome.frames == 2 && outcome.stateUpdates == 2)

        let changes = try entries(prefix + ".state").map { try $0.recordedStateChange() }
        #expect(changes.first?.updates["scene.title"] == "Water")
        #expect(changes.first?.updates["count"]?.doubleValue == 3)
        #expect(changes.last == StateChange(updates: ["avatar.a": ["name": "a"]], removals: ["scene.title", "nothing"]))
        let frames = try entries(prefix + ".traj").map { try $0.recordedFrame() }
        #expect(frames.map(\.index) == [0, 1])
        #expect(try frames.first?.frame.particlePositions() == [SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        #expect(frames.first?.frame.particleCount == 2)
        #expect(frames.last?.frame.values["step"]?.doubleValue == 1)
        await server.close()
        session.close()
    }
}
