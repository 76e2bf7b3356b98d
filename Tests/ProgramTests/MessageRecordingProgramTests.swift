import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// The NanoVer 2026 recording format through the programs, chosen by file
/// name: `nanover record NAME.nanover.zip`, `nanover-server --record
/// NAME.nanover.zip` and `--playback NAME.nanover.zip`, `nanover recording
/// info` and `repair`.
@Suite("2026 recording programs")
struct MessageRecordingProgramTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-zip-programs-\(UUID().uuidString)")

    private func path(_ name: String) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func info(_ path: String) async throws -> NanoverValue {
        let outcome = try await run("nanover", ["recording", "info", "--json", path])
        #expect(outcome.status == 0, "\(outcome.errors)")
        return try NanoverJSON.value(from: outcome.output)
    }

    /// Starts the synthetic frame server (gRPC) and returns it and its port.
    private func frameServer(atoms: Int) async throws -> (RunningProgram, Int) {
        let server = try RunningProgram("nanover-bench", ["frame-server", "--port", "0", "--atoms", String(atoms), "--rate", "50"])
        let line = await server.waitForLine("the frame server says where it listens") { $0.contains("listening on") }
        return (server, try #require(line?.split(separator: ":").last.flatMap { Int($0) }))
    }

    @Test("a hub given --record NAME.nanover.zip records its session in the 2026 format, finished when stopped with SIGTERM")
    func hubRecords() async throws {
        defer { cleanUp() }
        let path = try path("hub.nanover.zip")
        let hub = try await ServerProcess.start(["--record", path])
        #expect(try await hub.cli(["state", "set", "scene=[0,0,0,0,0,0,1,1,1,1]"]).status == 0)
        #expect(try await hub.cli(["state", "remove", "scene"]).status == 0)
        #expect(await hub.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"))
        #expect(!FileManager.default.fileExists(atPath: path + ".traj"), "the name chose the format")
        let recorded = try await info(path)
        #expect(recorded["kind"] == "messages" && recorded["cut_short"] == false)
        // With the key the scene shim writes beside it.
        #expect(recorded["keys"] == ["scene", "transform.simulation"])
        #expect(recorded["frames"] == 0)
        // The empty state a 2026 client is sent first, then the changes.
        #expect((recorded["state_updates"]?.intValue ?? 0) >= 2)
        #expect(recorded["undecodable_entries"] == 0)
    }

    @Test("nanover record NAME.nanover.zip converts a gRPC server's messages to 2026 ones; the hub plays it beside a .traj/.state pair")
    func recordAndPlay() async throws {
        defer { cleanUp() }
        let (source, port) = try await frameServer(atoms: 3)
        #expect(try await run("nanover", ["--port", String(port), "state", "set", "avatar.rec={\"name\":\"a\"}"]).status == 0)
        let zip = try path("frames.nanover.zip"), pair = try path("pair")
        let recorded = try await run("nanover", ["--port", String(port), "record", zip, "--seconds", "1"])
        #expect(recorded.status == 0, "\(recorded.errors)")
        let written = try NanoverJSON.value(from: recorded.output)
        #expect(written["path"] == .string(zip) && written["traj"] == nil)
        #expect(try await run("nanover", ["--port", String(port), "record", pair, "--seconds", "0.3"]).status == 0)
        source.signal(SIGTERM)
        #expect(await source.exitStatus() == 0)

        let summary = try await info(zip)
        // The state messages received, and an empty one first if a frame
        // came before the state.
        #expect(summary["frames"] == written["frames"])
        let stateUpdates = try #require(summary["state_updates"]?.intValue), received = try #require(written["state_updates"]?.intValue)
        #expect(stateUpdates == received || stateUpdates == received + 1)
        #expect(summary["first_index"] == 0, "the first frame is the merged frame with index 0, as a 2026 client gets it")
        #expect(summary["keys"]?.listValue?.contains("avatar.rec") == true)
        #expect(summary["keys"]?.listValue?.contains("particle.positions") == true)
        let last = try #require(summary["last_index"]?.intValue)

        let hub = try await ServerProcess.start(["--playback", pair + ".traj", pair + ".state", "--playback", zip])
        #expect(try NanoverJSON.value(from: try await hub.cli(["run", "playback/list"]).output) == ["simulations": ["pair", "frames"]])
        #expect(try await hub.cli(["run", "playback/load", "index=1"]).status == 0)
        // The recording's first messages are its whole state and its first
        // frame, in the order they came (an empty state before a frame that
        // came first).
        let frame = try await hub.firstPlayedFrame()
        #expect(frame["index"] == 0 && frame["particle_count"] == 3)
        #expect(try await hub.cli(["run", "playback/play"]).status == 0)
        #expect(await hub.waitForState(["avatar.rec": ["name": "a"]]), "the recorded avatar is played")
        try await hub.waitForPlayedIndex(after: 0, through: last)
        #expect(await hub.stop() == 0)
    }

    @Test("nanover --url record keeps a 2026 server's messages as they came in a .nanover.zip, or converts them to a .traj/.state pair; SIGINT stops it")
    func recordWebSocketServer() async throws {
        defer { cleanUp() }
        let hub = try await ServerProcess.start(["--initial-state", #"{"avatar.1": {"name": "a"}}"#])
        let url = "ws://127.0.0.1:\(try #require(hub.webSocketPort))"
        let zip = try path("ws.nanover.zip"), pair = try path("ws-pair")
        let zipRecorder = try RunningProgram("nanover", ["--url", url, "record", zip])
        let pairRecorder = try RunningProgram("nanover", ["--url", url, "record", pair])
        func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        await waitUntil("both recorders have the whole state") {
            size(zip + ".journal") > 0 && ((try? RecordingIndex(path: pair + ".state").count) ?? 0) == 1
        }
        #expect(try await hub.cli(["state", "set", #"scene.title="Water""#]).status == 0)
        await waitUntil("the pair has the change") { ((try? RecordingIndex(path: pair + ".state").count) ?? 0) == 2 }
        zipRecorder.signal(SIGINT)
        pairRecorder.signal(SIGINT)
        #expect(await zipRecorder.exitStatus() == 0, "\(zipRecorder.errors)")
        #expect(await pairRecorder.exitStatus() == 0, "\(pairRecorder.errors)")

        let zipWritten = try NanoverJSON.value(from: try #require(zipRecorder.outputLines.last))
        #expect(zipWritten["path"] == .string(zip) && zipWritten["frames"] == 0 && zipWritten["ended_by"] == nil)
        let summary = try await info(zip)
        #expect(summary["state_updates"] == zipWritten["state_updates"])
        #expect(summary["keys"]?.listValue?.contains("avatar.1") == true)
        let pairWritten = try NanoverJSON.value(from: try #require(pairRecorder.outputLines.last))
        #expect(pairWritten["state"] == .string(pair + ".state") && pairWritten["state_updates"] == 2)
        let state = try await info(pair + ".state")
        #expect(state["entries"] == 2 && state["cut_short"] == false)
        #expect(state["keys"] == ["avatar.1", "scene.title"])
        #expect(await hub.stop() == 0)
    }

    @Test("a recorder killed mid-recording leaves an unfinished zip that info refuses, naming the repair; repair finishes it")
    func crashAndRepair() async throws {
        defer { cleanUp() }
        let (source, port) = try await frameServer(atoms: 4)
        let zip = try path("killed.nanover.zip")
        let recorder = try RunningProgram("nanover", ["--port", String(port), "record", zip])
        await waitUntil("frames are recorded") {
            ((try? FileManager.default.attributesOfItem(atPath: zip + ".journal")[.size] as? Int) ?? 0) > 500
        }
        recorder.signal(SIGKILL)
        _ = await recorder.exitStatus()
        source.signal(SIGTERM)
        #expect(await source.exitStatus() == 0)

        let refused = try await run("nanover", ["recording", "info", zip])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("never finished") && refused.errors.contains("nanover recording repair"))
        let repaired = try await run("nanover", ["recording", "repair", zip])
        #expect(repaired.status == 0, "\(repaired.errors)")
        let outcome = try NanoverJSON.value(from: repaired.output)
        let entries = try #require(outcome["entries"]?.intValue)
        #expect(entries > 0 && outcome["was_finished"] == false)
        let summary = try await info(zip)
        #expect(summary["entries"]?.intValue == entries && summary["undecodable_entries"] == 0)
        #expect(!FileManager.default.fileExists(atPath: zip + ".journal"))
    }

    @Test("nanover-server refuses to start with a .nanover.zip it cannot read, saying why")
    func badPlayback() async throws {
        defer { cleanUp() }
        let junk = try path("junk.nanover.zip")
        try Data("nonsense".utf8).write(to: URL(fileURLWithPath: junk))
        let outcome = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--playback", junk])
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("not a zip archive"))
        #expect(!outcome.output.contains("listening"))
    }
}
