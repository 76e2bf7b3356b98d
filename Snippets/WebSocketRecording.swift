// Write a NanoVer 2026 recording (.nanover.zip), read it back message by message, and repair one whose writer stopped midway.

// snippet.hide
import Foundation
import NanoverCore
import NanoverWebSocket

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-snippet-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let path = directory.appendingPathComponent("session.nanover.zip").path
let crashed = directory.appendingPathComponent("crashed.nanover.zip").path

// snippet.show
// snippet.write
let writer = try MessageRecordingWriter(path: path)
// Timestamps are microseconds since the recording started.
try writer.append(StateChange(updates: ["scene.title": "Water"]), at: 0)
try writer.append(ReceivedFrame(index: 0, frame: Frame(values: [FrameKey.particleCount: 3])), at: 16_000)
try writer.append(StateChange(removals: ["scene.title"]), at: 33_000)
// snippet.hide
// What a crash would leave now: the zip without its directory, and the journal.
try FileManager.default.copyItem(atPath: path, toPath: crashed)
try FileManager.default.copyItem(
    atPath: MessageRecordingWriter.journalPath(for: path), toPath: MessageRecordingWriter.journalPath(for: crashed))
// snippet.show
try writer.close()  // the index goes in, the journal goes away
// snippet.end

// snippet.read
let recording = try MessageRecording(path: path)
for (position, entry) in recording.entries.enumerated() {
    let message = try IncomingMessage(bytes: recording.message(at: position))
    print(entry.timestamp, entry.types ?? [], message.state?.keys.sorted() ?? [], message.frame?.index ?? "")
}
// 0 ["state"] ["scene.title"]
// 16000 ["frame"] [] 0
// 33000 ["state"] ["scene.title"]
let summary = try RecordingSummary(messageRecordingPath: path)  // reads it all, checks the CRC-32s
print(summary.entries, summary.frames, summary.stateUpdates)  // 3 1 2
// snippet.end
// snippet.hide
precondition(recording.entries.map(\.timestamp) == [0, 16_000, 33_000])
precondition(recording.entries.map(\.types) == [["state"], ["frame"], ["state"]])
precondition(recording.entries[1].frameIndex == 0)
let first = try IncomingMessage(bytes: recording.message(at: 0)), second = try IncomingMessage(bytes: recording.message(at: 1))
precondition(first.state == StateChange(updates: ["scene.title": "Water"]))
precondition(second.frame?.frame.particleCount == 3)
precondition(summary.entries == 3 && summary.frames == 1 && summary.stateUpdates == 2)
precondition(!FileManager.default.fileExists(atPath: MessageRecordingWriter.journalPath(for: path)))
func openingError(_ path: String) -> RecordingError? {
    do throws(RecordingError) {
        _ = try MessageRecording(path: path)
        return nil
    } catch {
        return error
    }
}
precondition(openingError(crashed) == .unfinishedZip)
// snippet.show
// snippet.repair
// A writer killed midway leaves a file no zip reader opens, and its journal.
do {
    _ = try MessageRecording(path: crashed)
} catch {
    print(error)  // the zip was never finished (no central directory): a recording cut short
}
let repair = try MessageRecordingWriter.repair(path: crashed)  // as `nanover recording repair`
print(repair.entries)  // 3: every message written before the crash
// snippet.end
// snippet.hide
precondition(!repair.wasFinished && repair.entries == 3)
let repaired = try MessageRecording(path: crashed)
precondition(repaired.entries == recording.entries)
precondition(!FileManager.default.fileExists(atPath: MessageRecordingWriter.journalPath(for: crashed)))
try FileManager.default.removeItem(at: directory)
