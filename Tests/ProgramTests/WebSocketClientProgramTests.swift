import Foundation
import NanoverCore
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// `nanover --url ws://HOST:PORT`: the command-line client over the NanoVer
/// 2026 protocol, against a real `nanover-server --ws-port 0`.
@Suite("nanover --url")
struct WebSocketClientProgramTests {
    /// A hub serving both protocols, and its 2026 URL.
    private func startHub(_ extra: [String] = []) async throws -> (ServerProcess, String) {
        let server = try await ServerProcess.start(["--ws-port", "0"] + extra)
        let line = await server.program.waitForLine("the hub says where it serves 2026") { $0.contains("ws://") }
        let url = try #require(line?.split(separator: " ").last.map(String.init), "\(server.program.errors)")
        return (server, url)
    }

    private func cli(_ url: String, _ arguments: [String]) async throws -> Outcome {
        try await run("nanover", ["--url", url] + arguments)
    }

    @Test("state set, get and remove; integers stay integers, binary and nil are kept")
    func state() async throws {
        let (server, url) = try await startHub()
        #expect(try await cli(url, ["state", "get"]).output == "{}\n")
        let set = try await cli(url, ["state", "set", "n=3", "x=2.5", "name=alice", #"blob={"$binary":"AAH/"}"#, "nothing=null"])
        #expect(set.status == 0, "\(set.errors)")
        let all = try await cli(url, ["state", "get"])
        #expect(all.status == 0, "\(all.errors)")
        #expect(try NanoverJSON.value(from: all.output) == ["n": 3, "x": 2.5, "name": "alice", "blob": .binary([0, 1, 255]), "nothing": nil])
        #expect(all.output.contains(#""n":3,"#) || all.output.contains(#""n":3}"#), "an integer is printed as one: \(all.output)")
        let some = try await cli(url, ["state", "get", "n", "missing"])
        #expect(some.output == "{\"n\":3}\n")
        #expect(try await cli(url, ["state", "remove", "n", "nothing"]).status == 0)
        #expect(try NanoverJSON.value(from: try await cli(url, ["state", "get"]).output) == ["x": 2.5, "name": "alice", "blob": .binary([0, 1, 255])])
        // The gRPC side sees the same session.
        #expect(try NanoverJSON.value(from: try await server.cli(["state", "get", "name"]).output) == ["name": "alice"])
        #expect(await server.stop() == 0)
    }

    @Test("state watch prints the whole state, then each update, filtered by prefix, until interrupted")
    func watch() async throws {
        let (server, url) = try await startHub(["--initial-state", #"{"avatar.1": {"x": 0}, "other": 1}"#])
        let watcher = try RunningProgram("nanover", ["--url", url, "state", "watch", "--prefix", "avatar."])
        let first = await watcher.waitForLine("the whole state") { $0.contains("avatar.1") }
        #expect(first == #"{"updates":{"avatar.1":{"x":0}},"removals":[]}"#)
        #expect(try await cli(url, ["state", "set", "other=2"]).status == 0)
        #expect(try await cli(url, ["state", "set", "avatar.2=[1]"]).status == 0)
        #expect(try await server.cli(["state", "remove", "avatar.1"]).status == 0)
        _ = await watcher.waitForLine("the removal") { $0.contains(#""removals":["avatar.1"]"#) }
        let lines = watcher.outputLines
        #expect(lines.contains(#"{"updates":{"avatar.2":[1]},"removals":[]}"#), "\(lines)")
        #expect(!lines.contains { $0.contains("other") })
        watcher.signal(SIGINT)
        #expect(await watcher.exitStatus() == 0)
        #expect(await server.stop() == 0)
    }

    @Test("commands lists the hub's commands; run prints the result; a failing command is status 4")
    func commands() async throws {
        // The avatar below is written by a gRPC client that leaves at once.
        let (server, url) = try await startHub(["--keep-departed-users"])
        let text = try await cli(url, ["commands"])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("multiuser/radially-orient-origins  {\"radius\":1}\n"), "\(text.output)")
        #expect(text.output.contains("commands/list  {}\n"))
        let json = try await cli(url, ["commands", "--json"])
        #expect(try NanoverJSON.value(from: json.output)["multiuser/radially-orient-origins"] == ["radius": 1])

        // Set by a client that leaves at once: kept only with
        // --keep-departed-users, over either protocol.
        #expect(try await server.cli(["state", "set", "avatar.x={}"]).status == 0)
        let ran = try await cli(url, ["run", "multiuser/radially-orient-origins", "radius=3"])
        #expect(ran.status == 0, "\(ran.errors)")
        // The command returns nothing: the 2026 reply is nil.
        #expect(ran.output == "null\n")
        let origin = try NanoverJSON.value(from: try await cli(url, ["state", "get", "user-origin.x"]).output)
        #expect(origin["user-origin.x"]?["position"]?[0] == 3)

        let list = try await cli(url, ["run", "commands/list"])
        #expect(try NanoverJSON.value(from: list.output)["list"]?["commands/list"] == [:])

        let unknown = try await cli(url, ["run", "no/such/command"])
        #expect(unknown.status == 4)
        #expect(unknown.errors.contains("unknown command"), "\(unknown.errors)")
        #expect(await server.stop() == 0)
    }

    @Test("lock and unlock say locks are not part of the 2026 protocol, status 2; so does --token")
    func noLocks() async throws {
        let (server, url) = try await startHub()
        for arguments in [["lock", "scene=30"], ["unlock", "scene"], ["state", "set", "a=1", "--token", "me"]] {
            let outcome = try await cli(url, arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.errors.contains("not part of the NanoVer 2026 protocol"), "\(outcome.errors)")
        }
        #expect(await server.stop() == 0)
    }

    @Test("a bad URL is a usage error; nothing listening is status 3; a gRPC port is status 3 too")
    func unreachable() async throws {
        let bad = try await run("nanover", ["--url", "http://127.0.0.1:1", "state", "get"])
        #expect(bad.status == 2)
        #expect(bad.errors.contains("ws://HOST:PORT"), "\(bad.errors)")
        let (server, url) = try await startHub()
        let grpcPort = try await cli("ws://127.0.0.1:\(server.port)", ["state", "get"])
        #expect(grpcPort.status == 3)
        #expect(grpcPort.errors.contains("WebSocket"), "\(grpcPort.errors)")
        #expect(await server.stop() == 0)
        let refused = try await cli(url, ["state", "get"])
        #expect(refused.status == 3)
        #expect(refused.errors.contains("cannot connect"), "\(refused.errors)")
    }

    @Test("frames get and watch: the merged frame as index 0 first, then each frame; a frame published by a 2026 client")
    func frames() async throws {
        let (server, url) = try await startHub()
        let empty = try await cli(url, ["frames", "get", "--wait", "0.2"])
        #expect(empty.status == 0)
        #expect(try NanoverJSON.value(from: empty.output)["index"] == .null)

        let publisher = try await NanoverWebSocketClient.connect(to: url)
        var topology = Frame(values: [FrameKey.particleCount: 2])
        topology.arrays[FrameKey.particleElements] = .indices([6, 8])
        try await publisher.publishFrame(topology, index: 0)
        var moved = Frame()
        moved.setParticlePositions([SIMD3(1, 2, 3), SIMD3(4, 5, 6)])
        try await publisher.publishFrame(moved, index: 1)
        await waitUntil("the hub has both frames") { publisher.currentFrame.arrays[FrameKey.particlePositions] != nil }

        let got = try await cli(url, ["frames", "get"])
        #expect(got.status == 0, "\(got.errors)")
        let frame = try NanoverJSON.value(from: got.output)
        #expect(frame["index"] == 0)
        #expect(frame["particle_count"] == 2)
        #expect(frame["arrays"]?["particle.elements"] == [6, 8])
        #expect(frame["arrays"]?["particle.positions"] == [1, 2, 3, 4, 5, 6])

        let watcher = try RunningProgram("nanover", ["--url", url, "frames", "watch"])
        _ = await watcher.waitForLine("the merged frame") { $0.contains("particle.elements") }
        moved.setParticlePositions([SIMD3(0, 0, 0), SIMD3(1, 1, 1)])
        try await publisher.publishFrame(moved, index: 2)
        await waitUntil("a second line") { watcher.outputLines.count >= 2 || !watcher.isRunning }
        let lines = try watcher.outputLines.map { try NanoverJSON.value(from: $0) }
        #expect(lines.first?["index"] == 0)
        #expect(lines.dropFirst().first?["index"] == 2)
        #expect(lines.dropFirst().first?["keys"]?.listValue?.contains("particle.positions") == true)
        watcher.signal(SIGINT)
        #expect(await watcher.exitStatus() == 0)

        let paced = try await cli(url, ["frames", "watch", "--interval", "1"])
        #expect(paced.status == 2, "--interval needs --latest with --url")
        await publisher.close()
        #expect(await server.stop() == 0)
    }

    @Test("interact holds an interaction over the 2026 protocol, then removes it")
    func interact() async throws {
        let (server, url) = try await startHub()
        let outcome = try await cli(url, ["interact", "--particles", "1,2", "--position", "0,0,1", "--seconds", "0.2"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let key = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("interaction."))
        #expect(try await cli(url, ["state", "get"]).output == "{}\n")
        #expect(await server.stop() == 0)
    }

    @Test("watching a hub that stops: the watch ends, status 0 for its normal close")
    func hubStops() async throws {
        let (server, url) = try await startHub(["--initial-state", #"{"a": 1}"#])
        let watcher = try RunningProgram("nanover", ["--url", url, "state", "watch"])
        _ = await watcher.waitForLine("the whole state") { $0.contains("updates") }
        #expect(await server.stop() == 0)
        #expect(await watcher.exitStatus() == 0)
    }
}
