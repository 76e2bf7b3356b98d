// Write a tiny gRPC-era recording (.traj and .state) to a temporary directory, read it back entry by entry, and play it through a session one step at a time.

// snippet.hide
import Foundation
import NanoverCore
import NanoverGRPC

// snippet.show
// snippet.write
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let prefix = directory + "/water"

// Each entry: microseconds since the start, and one gRPC message (as NanoverGRPC encodes it).
let frames = try RecordingWriter(path: prefix + ".traj")
try frames.append(.frame(PublishedFrame(index: 0, frame: Frame(values: [FrameKey.particleCount: 3])), at: 0))
try frames.append(.frame(PublishedFrame(index: 1, frame: Frame(values: [FrameKey.kineticEnergy: 1.5])), at: 40_000))
frames.close()

let source = NanoverSession()  // a state update as a subscriber is sent it
let updates = source.state.subscribe()
try source.state.update(StateChange(updates: ["scene.title": "Water"]))
let state = try RecordingWriter(path: prefix + ".state")
try state.append(.stateUpdate(await updates.next()!, at: 20_000))
state.close()
// snippet.end

// snippet.read
var reader = try RecordingReader(path: prefix + ".traj")  // one entry at a time
var recordedIndices: [UInt32] = []
while let entry = try reader.next() {
    recordedIndices.append(try entry.recordedFrame().index)  // 0, 1
}
let index = try RecordingIndex(path: prefix + ".state")  // where each entry is, and when
print(recordedIndices, index.count, index.duration, reader.endedEarly as Any)  // [0, 1] 1 20000 nil
// snippet.end
// snippet.hide
precondition(recordedIndices == [0, 1] && reader.endedEarly == nil)
precondition(index.count == 1 && index.duration == 20_000)
let recordedChange = try index.entry(at: 0).recordedStateChange()
precondition(recordedChange == StateChange(updates: ["scene.title": "Water"]))
// snippet.show

// snippet.play
let playback = NanoverSession()
let recording = try PlaybackRecording(paths: [prefix + ".traj", prefix + ".state"])  // named "water"
let player = RecordingPlayer(recordings: [recording], session: playback, decoder: ProtobufRecordingDecoder())
try player.registerCommands()  // playback/play, pause, step, reset, list, load, next

try player.load(0)  // a reset: an empty frame with index 0, scene at identity
for _ in 0..<3 {
    _ = try await playback.commands.run(PlaybackCommand.step)  // one entry each, in time order
}
let current = playback.frames.currentFrame!
print(current.index, current.frame.particleCount!, current.frame.kineticEnergy!)  // 1 3 1.5
print(playback.state.value(forKey: "scene.title")!)  // "Water"
// snippet.end
// snippet.hide
precondition(recording.name == "water" && player.loadedName == "water" && player.isPaused)
precondition(current.index == 1 && current.frame.particleCount == 3 && current.frame.kineticEnergy == 1.5)
precondition(playback.state.value(forKey: "scene.title") == "Water")
precondition(playback.state.value(forKey: "scene") == RecordingPlayer.sceneIdentity)
let listed = try await playback.commands.run(PlaybackCommand.list)
precondition(listed == ["simulations": ["water"]])
// snippet.show

playback.close()
source.close()
try FileManager.default.removeItem(atPath: directory)
