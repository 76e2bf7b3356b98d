// Record a NanoVer 2026 server as one of its clients: every message it sends, kept as the bytes that came.

// snippet.hide
import Foundation
import NanoverCore
import NanoverWebSocket

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-snippet-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let path = directory.appendingPathComponent("session.nanover.zip").path
let session = NanoverSession()
try session.state.update(StateChange(updates: ["scene.title": "Water"]))
let server = try await NanoverWebSocketServer.start(serving: session, address: "127.0.0.1", port: 0)
let url = "ws://127.0.0.1:\(server.port)"

// snippet.show
// snippet.record
let writer = try MessageRecordingWriter(path: path)
let recorder = NanoverWebSocketRecorder(sink: writer)
let recording = Task { try await recorder.record(from: url) }  // ours or the reference's
// snippet.hide
// Until the recorder has the whole state, then a change.
while writer.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
try session.state.update(StateChange(updates: ["avatar.a": ["name": "a"]]))
while writer.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
// snippet.show

// ... then, when the session is over:
recording.cancel()  // closes the connection normally (1000), then the file
let outcome = try await recording.value
print(outcome.stateUpdates, outcome.frames)  // 2 0

let recorded = try MessageRecording(path: path)
let first = try IncomingMessage(bytes: recorded.message(at: 0))
print(first.state?.updates ?? [:])  // ["scene.title": "Water"]: the whole state comes first
// snippet.end
// snippet.hide
precondition(outcome.stateUpdates == 2 && outcome.frames == 0 && outcome.streamError == nil)
precondition(first.state == StateChange(updates: ["scene.title": "Water"]))
let second = try IncomingMessage(bytes: recorded.message(at: 1))
precondition(second.state?.updates == ["avatar.a": ["name": "a"]])
await server.close()
session.close()
try FileManager.default.removeItem(at: directory)
