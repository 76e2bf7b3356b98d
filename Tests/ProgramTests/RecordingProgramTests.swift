import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// Recording through the programs: `nanover record`, `nanover-server
/// --record` and `nanover recording info`.
@Suite("recording programs")
struct RecordingProgramTests {
    private func temporaryPrefix() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nanover-programs-\(UUID().uuidString)").path
    }

    private func info(_ path: String) async throws -> NanoverValue {
        let outcome = try await run("nanover", ["recording", "info", "--json", path])
        #expect(outcome.status == 0, "\(outcome.errors)")
        return try NanoverJSON.value(from: outcome.output)
    }

    @Test("a hub recording its own session leaves complete files when stopped with SIGTERM")
    func hubRecords() async throws {
        let prefix = temporaryPrefix()
        defer { for suffix in [".traj", ".state"] { try? FileManager.default.removeItem(atPath: prefix + suffix) } }
        let hub = try await ServerProcess.start(["--record", prefix])
        #expect(try await hub.cli(["state", "set", "scene=[0,0,0,0,0,0,1,1,1,1]"]).status == 0)
        #expect(try await hub.cli(["state", "remove", "scene"]).status == 0)
        #expect(await hub.stop() == 0)
        let state = try await info(prefix + ".state")
        #expect(state["cut_short"] == false)
        // With the key the scene shim writes beside it.
        #expect(state["keys"] == ["scene", "transform.simulation"])
        #expect((state["entries"]?.intValue ?? 0) >= 1)
        let frames = try await info(prefix + ".traj")
        #expect(frames["entries"] == 0 && frames["cut_short"] == false)
    }

    @Test("nanover record follows a frame server until it dies, and leaves files that read whole")
    func recordUntilServerDies() async throws {
        let prefix = temporaryPrefix()
        defer { for suffix in [".traj", ".state"] { try? FileManager.default.removeItem(atPath: prefix + suffix) } }
        let server = try RunningProgram("nanover-bench", ["frame-server", "--port", "0", "--atoms", "4", "--rate", "50"])
        let line = await server.waitForLine("the frame server says where it listens") { $0.contains("listening on") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0) })
        let recording = try RunningProgram("nanover", ["--port", String(port), "record", prefix])
        await waitUntil("frames are recorded") {
            ((try? RecordingIndex(path: prefix + ".traj").count) ?? 0) >= 5
        }
        server.signal(SIGKILL)
        #expect(await recording.exitStatus() == 0, "\(recording.errors)")
        let written = try NanoverJSON.value(from: try #require(recording.outputLines.last))
        #expect(written["ended_by"] != nil, "the server going away is reported")
        let frames = try await info(prefix + ".traj")
        #expect(frames["cut_short"] == false)
        #expect(frames["entries"] == written["frames"])
        #expect(frames["keys"]?.listValue?.contains("particle.positions") == true)
    }

    @Test("nanover record stops after --seconds; recording info reads both files, and refuses what is not a recording")
    func recordForSeconds() async throws {
        let prefix = temporaryPrefix()
        defer { for suffix in [".traj", ".state"] { try? FileManager.default.removeItem(atPath: prefix + suffix) } }
        let hub = try await ServerProcess.start(["--initial-state", #"{"avatar.1": {"name": "a"}}"#])
        // Long enough for the recorder to connect and be sent the state even
        // while the whole suite loads the machine (half a second was not).
        let outcome = try await hub.cli(["record", prefix, "--seconds", "3"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let written = try NanoverJSON.value(from: outcome.output)
        #expect(written["state_updates"] == 1 && written["frames"] == 0)
        let text = try await run("nanover", ["recording", "info", prefix + ".state", prefix + ".traj"])
        #expect(text.output.contains("state, 1 entries"))
        #expect(text.output.contains("keys: avatar.1"))
        try Data("not a recording".utf8).write(to: URL(fileURLWithPath: prefix + ".traj"))
        let refused = try await run("nanover", ["recording", "info", prefix + ".traj"])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("not a NanoVer recording"))
        #expect(await hub.stop() == 0)
    }

    @Test("a recording made with nanover record plays back through nanover-server --playback, under the playback commands")
    func playBack() async throws {
        let prefix = temporaryPrefix()
        defer { for suffix in [".traj", ".state"] { try? FileManager.default.removeItem(atPath: prefix + suffix) } }
        let source = try RunningProgram("nanover-bench", ["frame-server", "--port", "0", "--atoms", "3", "--rate", "50"])
        let line = await source.waitForLine("the frame server says where it listens") { $0.contains("listening on") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0) })
        #expect(try await run("nanover", ["--port", String(port), "state", "set", "avatar.rec={\"name\":\"a\"}"]).status == 0)
        #expect(try await run("nanover", ["--port", String(port), "record", prefix, "--seconds", "1"]).status == 0)
        source.signal(SIGTERM)
        #expect(await source.exitStatus() == 0)
        let recorded = try await info(prefix + ".traj")
        let first = try #require(recorded["first_index"]?.intValue), last = try #require(recorded["last_index"]?.intValue)

        let hub = try await ServerProcess.start(["--playback", prefix + ".traj", prefix + ".state"])
        let name = URL(fileURLWithPath: prefix).lastPathComponent
        #expect(try NanoverJSON.value(from: try await hub.cli(["run", "playback/list"]).output) == ["simulations": [.string(name)]])
        // The recording's first frame comes within its first two moments
        // (its one state entry, the avatar, may come before it).
        let frame = try await hub.firstPlayedFrame()
        #expect(frame["index"]?.intValue == first, "the first recorded frame after a reset")
        #expect(frame["particle_count"] == 3)
        #expect(frame["values"]?["index"] == nil)
        #expect(try await hub.cli(["run", "playback/play"]).status == 0)
        // The recorded state plays too (when it came relative to the frames
        // depends on how the recorder's two streams started).
        #expect(await hub.waitForState(["avatar.rec": ["name": "a"]]), "the recorded avatar is played")
        try await hub.waitForPlayedIndex(after: first, through: last)
        #expect(await hub.stop() == 0)
    }

    @Test("nanover-server refuses to start with a recording it cannot read, saying which")
    func badPlayback() async throws {
        let path = temporaryPrefix() + ".traj"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("nonsense".utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--playback", path])
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("not a NanoVer recording"))
        #expect(!outcome.output.contains("listening"))
        let missing = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--playback", "nowhere.traj"])
        #expect(missing.status != 0)
        #expect(missing.errors.contains("nowhere.traj"))
    }
}
