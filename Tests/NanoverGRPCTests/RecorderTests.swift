import Foundation
import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

@Suite("Recording a session")
struct RecorderTests {
    private func temporaryPrefix() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nanover-recording-\(UUID().uuidString)").path
    }

    private func entries(_ path: String) throws -> (entries: [RecordingEntry], endedEarly: RecordingError?) {
        var reader = try RecordingReader(path: path)
        var entries: [RecordingEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return (entries, reader.endedEarly)
    }

    private func removeRecording(_ prefix: String) {
        try? FileManager.default.removeItem(atPath: prefix + ".traj")
        try? FileManager.default.removeItem(atPath: prefix + ".state")
    }

    @Test("the network recorder writes each frame and state update as it came, timestamped in order; the server closing ends it with complete files")
    func networkRecorder() async throws {
        let prefix = temporaryPrefix()
        defer { removeRecording(prefix) }
        let server = try await startServer()
        try server.updateState(StateChange(updates: ["scene": [1, 2, 3]]))
        try server.session.frames.send(frameIndex: 0, frame: Frame(values: [FrameKey.particleCount: 2]))
        let connection = try NanoverConnection.insecure(address: "127.0.0.1", port: server.port)
        let recorder = try NanoverRecorder(prefix: prefix)
        let recording = Task { try await recorder.record(from: connection) }
        await waitUntil("the first messages are written") {
            (try? entries(prefix + ".traj").entries.count) == 1 && (try? entries(prefix + ".state").entries.count) == 1
        }
        for index in 1...5 {
            try server.session.frames.send(frameIndex: UInt32(index), frame: Frame(values: ["step": .int(Int64(index))]))
        }
        try server.updateState(StateChange(updates: ["avatar.a": "here"], removals: ["scene"]))
        await waitUntil("the last frame is written") {
            (try? entries(prefix + ".traj").entries.last?.recordedFrame().frame.values["step"]) == 5
        }
        await server.close()
        let outcome = try await recording.value
        await connection.close()

        let frames = try entries(prefix + ".traj")
        #expect(frames.endedEarly == nil)
        #expect(outcome.frames == frames.entries.count)
        #expect(try frames.entries[0].recordedFrame().frame.particleCount == 2)
        #expect(frames.entries.map(\.timestamp) == frames.entries.map(\.timestamp).sorted())
        let states = try entries(prefix + ".state")
        #expect(try states.entries[0].recordedStateChange() == StateChange(updates: ["scene": [1, 2, 3]]))
        #expect(try states.entries.last?.recordedStateChange() == StateChange(updates: ["avatar.a": "here"], removals: ["scene"]))
        #expect(outcome.stateUpdates == states.entries.count)
    }

    @Test("the session recorder writes the hub's own frames and changes with no network hop, and stopping leaves complete files")
    func sessionRecorder() async throws {
        let prefix = temporaryPrefix()
        defer { removeRecording(prefix) }
        let session = NanoverSession()
        let recorder = try SessionRecorder(session: session, prefix: prefix)
        let recording = Task { try await recorder.run() }
        try session.frames.send(frameIndex: 0, frame: Frame(arrays: [FrameKey.particlePositions: .floats([1, 2, 3])]))
        try session.state.update(StateChange(updates: ["interaction.x": ["particles": [1]]]))
        await waitUntil("both are written") { recorder.written.frames == 1 && recorder.written.stateUpdates >= 1 }
        recorder.stop()
        try await recording.value

        let frame = try #require(try entries(prefix + ".traj").entries.first).recordedFrame()
        #expect(frame.index == 0)
        #expect(frame.frame.arrays[FrameKey.particlePositions] == .floats([1, 2, 3]))
        #expect(frame.frame.serverTimestamp != nil)
        let changes = try entries(prefix + ".state").entries.map { try $0.recordedStateChange() }
        #expect(changes.last?.updates["interaction.x"] == ["particles": [1]])
        session.close()
    }

    @Test("a summary tells entries, duration, frame indices, resets and keys, and a file cut short")
    func summary() async throws {
        let prefix = temporaryPrefix()
        defer { removeRecording(prefix) }
        let writer = try RecordingWriter(path: prefix + ".traj")
        for (time, index) in [(0, 0), (100_000, 1), (200_000, 0), (300_000, 4)] as [(UInt64, UInt32)] {
            try writer.append(.frame(PublishedFrame(index: index, frame: Frame(values: ["k\(index)": 1])), at: time))
        }
        try writer.append(timestamp: 400_000, message: [0xFF, 0xFF])
        writer.close()
        let summary = try RecordingSummary(path: prefix + ".traj")
        #expect(summary.entries == 5 && summary.duration == 400_000 && summary.undecodable == 1)
        #expect(summary.frameIndices == 0...4 && summary.resets == 2)
        #expect(summary.keys == ["k0", "k1", "k4"])
        #expect(summary.endedEarly == nil)

        let bytes = try Data(contentsOf: URL(fileURLWithPath: prefix + ".traj"))
        try bytes.dropLast(1).write(to: URL(fileURLWithPath: prefix + ".traj"))
        #expect(try RecordingSummary(path: prefix + ".traj").endedEarly?.isCutShort == true)
        #expect(throws: RecordingSummaryError.self) { try RecordingSummary(path: prefix + ".other") }
    }
}
