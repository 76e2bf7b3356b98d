// Record a session in both recording formats, chosen by file name, then play the recordings back through a hub.

// snippet.hide
import Foundation
import Logging
import NanoverCore
import NanoverGRPC
import NanoverHub
import ServiceLifecycle

@MainActor func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<1_000 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    precondition(condition(), "timed out")
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-recording-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let logger = Logger(label: "hub")

// snippet.show
// snippet.record
let session = NanoverSession()
try session.state.update(StateChange(updates: ["scene.title": "Water"]))

// A prefix records PREFIX.traj and PREFIX.state; a path ending in .nanover.zip one 2026 file.
let recorders = try ["\(directory)/water", "\(directory)/water-2026.nanover.zip"].map { path in
    SessionRecorder(session: session, sink: try RecordingFormats.sessionSink(path: path))
}
let recording = recorders.map { recorder in Task { try await recorder.run() } }

var topology = Frame(values: [FrameKey.particleCount: 3])
topology.arrays[FrameKey.particleElements] = .indices([6, 8, 6])
try session.frames.send(frameIndex: 0, frame: topology)
for index in 1...5 as ClosedRange<UInt32> {
    var frame = Frame()
    frame.setParticlePositions((0..<3).map { SIMD3(Float($0), Float(index) / 10, 0) })
    try session.frames.send(frameIndex: index, frame: frame)
}

for recorder in recorders { recorder.stop() }  // writes what is pending; a graceful shutdown does the same
for task in recording { try await task.value }  // the files are complete
// snippet.end

// snippet.summary
let files = ["water.traj", "water.state", "water-2026.nanover.zip"].map { "\(directory)/\($0)" }
for path in files {
    let summary = try RecordingFormats.summary(path: path)
    print(summary.path, summary.entries, summary.keys.sorted())   // frame keys, state keys, or both
}
// snippet.end
// snippet.hide
let frames = try RecordingFormats.summary(path: files[0])
let state = try RecordingFormats.summary(path: files[1])
let both = try RecordingFormats.summary(path: files[2])
// The recorders follow the latest frames, as the reference's does: frames
// published faster than they are written arrive merged (a reset's index 0
// kept), so only what the frames hold is certain.
let published: Set<String> = [FrameKey.particleCount, FrameKey.particleElements, FrameKey.particlePositions]
precondition(frames.frames >= 1 && frames.keys.isSuperset(of: published), "\(frames.fields)")
precondition(state.stateUpdates == 1 && state.keys == ["scene.title"], "\(state.fields)")
precondition(both.keys.isSuperset(of: published.union(["scene.title"])), "\(both.fields)")
precondition(frames.endedEarly == nil && both.endedEarly == nil)
session.close()
// snippet.show

// snippet.playback
let hubSession = NanoverSession(clock: EventLoopClock())
let player = RecordingPlayer(
    recordings: try PlaybackRecording.grouping(files),  // [water.traj, water.state], [water-2026.nanover.zip]
    session: hubSession, opener: HubRecordingOpener(), clock: EventLoopClock())
try player.check()                 // every file opens, before anything listens
try player.registerCommands()      // playback/play, pause, step, reset, list, load, next
let server = try await NanoverServer.start(serving: hubSession, address: "127.0.0.1", port: 0)
let group = ServiceGroup(services: [PlaybackService(player: player)], logger: logger)
let playing = Task { try await group.run() }   // plays the first recording, looping

let client = try NanoverClient(address: "127.0.0.1", port: server.port)
let names = try await client.playback.list()
print(names)                              // ["water", "water-2026"]
try await client.playback.load(index: 1)
try await client.playback.pause()
try await client.playback.reset()         // back to the start: the recording's keys removed
repeat {
    try await client.playback.step()      // paused, one entry at a time
} while hubSession.state.copyState()["scene.title"] == nil
print(hubSession.state.copyState()["scene.title"] ?? nil)  // "Water": the recorded state
// snippet.end
// snippet.hide
precondition(names == ["water", "water-2026"])
precondition(player.loadedName == "water-2026" && player.isPaused)
precondition(hubSession.state.copyState()["scene.title"] == "Water")
// snippet.show

await client.close()
await group.triggerGracefulShutdown()
try await playing.value
await server.close()
hubSession.close()
