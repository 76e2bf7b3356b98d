import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// `nanover frames`, `nanover interact` and the bench's frame scenarios,
/// against `nanover-bench frame-server` and `nanover-server`.
@Suite("nanover frames and interact")
struct FrameProgramTests {
    /// A frame server of `atoms` atoms at `rate` frames a second.
    private func startFrameServer(atoms: Int, rate: Double) async throws -> (RunningProgram, Int) {
        let server = try RunningProgram("nanover-bench", ["frame-server", "--port", "0", "--atoms", String(atoms), "--rate", String(rate)])
        let line = await server.waitForLine("the frame server says where it listens") { $0.contains("listening on") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0) }, "\(server.errors)")
        return (server, port)
    }

    @Test("frames get prints the merged current frame: topology and latest positions, with index and particle count")
    func get() async throws {
        let (server, port) = try await startFrameServer(atoms: 3, rate: 20)
        let outcome = try await run("nanover", ["--port", String(port), "frames", "get"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let frame = try NanoverJSON.value(from: outcome.output)
        #expect(frame["particle_count"] == 3)
        #expect(frame["index"]?.intValue != nil)
        #expect(frame["arrays"]?["particle.elements"] == [6, 6, 6])
        #expect(frame["arrays"]?["particle.positions"]?.listValue?.count == 9)
        #expect(frame["values"]?["server.timestamp"]?.isNumber == true)
        #expect(frame["values"]?["system.simulation.counter"] == 0)
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    @Test("frames get on a hub that has published nothing prints an empty frame and says so")
    func getNothing() async throws {
        let hub = try await ServerProcess.start()
        let outcome = try await hub.cli(["frames", "get", "--wait", "0.2"])
        #expect(outcome.status == 0)
        #expect(try NanoverJSON.value(from: outcome.output) == ["index": nil, "particle_count": nil, "values": [:], "arrays": [:]])
        #expect(outcome.errors.contains("no frame"))
        #expect(await hub.stop() == 0)
    }

    @Test("frames watch prints one line per frame, in order, the first the merged frame; --full adds the arrays; Ctrl-C ends it")
    func watch() async throws {
        let (server, port) = try await startFrameServer(atoms: 2, rate: 50)
        let watcher = try RunningProgram("nanover", ["--port", String(port), "frames", "watch", "--full"])
        await waitUntil("a few frames are printed") { watcher.outputLines.count >= 4 || !watcher.isRunning }
        watcher.signal(SIGINT)
        #expect(await watcher.exitStatus() == 0)
        let frames = try watcher.outputLines.map { try NanoverJSON.value(from: $0) }
        let first = try #require(frames.first)
        #expect(first["keys"]?.listValue?.contains("particle.elements") == true)
        #expect(first["particle_count"] == 2)
        let indices = frames.compactMap { $0["index"]?.intValue }
        #expect(indices.count == frames.count)
        #expect(zip(indices, indices.dropFirst()).allSatisfy { $1 == $0 + 1 }, "every frame in order: \(indices)")
        #expect(frames.dropFirst().allSatisfy { $0["arrays"]?["particle.positions"]?.listValue?.count == 6 })
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    @Test("frames watch ends quietly when its reader goes away")
    func watchIntoClosedPipe() async throws {
        let (server, port) = try await startFrameServer(atoms: 2, rate: 50)
        let bin = Programs.url("nanover").path
        let outcome = try await run(executable: URL(fileURLWithPath: "/bin/bash"), ["-c", "'\(bin)' --port \(port) frames watch | head -n 2 > /dev/null; exit ${PIPESTATUS[0]}"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(!outcome.errors.contains("Fatal error"), "\(outcome.errors)")
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    @Test("frames watch whose server dies says it lost the server, status 3")
    func watchLosesServer() async throws {
        let (server, port) = try await startFrameServer(atoms: 2, rate: 50)
        let watcher = try RunningProgram("nanover", ["--port", String(port), "frames", "watch"])
        await waitUntil("a frame is printed") { !watcher.outputLines.isEmpty || !watcher.isRunning }
        server.signal(SIGKILL)
        #expect(await watcher.exitStatus() == 3)
        #expect(watcher.errors.contains("lost the server"), "\(watcher.errors)")
        _ = await server.exitStatus()
    }

    @Test("interact holds an interaction with the contract's fields for the given seconds, then removes it")
    func interact() async throws {
        let hub = try await ServerProcess.start()
        let interacting = try RunningProgram("nanover", [
            "--port", String(hub.port), "interact", "--particles", "3,1,3", "--position", "1,2,3", "--seconds", "600",
        ])
        let key = try #require(await interacting.waitForLine("the interaction's key") { $0.hasPrefix("interaction.") }, "\(interacting.errors)")
        let state = try NanoverJSON.value(from: try await hub.cli(["state", "get", key]).output)
        #expect(state[key]?["particles"] == [1, 3])
        #expect(state[key]?["position"] == [1, 2, 3])
        #expect(state[key]?["interaction_type"] == "gaussian")
        #expect(state[key]?["max_force"] == 20000)
        // Ended early by a signal: the key is removed all the same.
        interacting.signal(SIGINT)
        #expect(await interacting.exitStatus() == 0)
        #expect(try await hub.cli(["state", "get", key]).output == "{}\n")

        let short = try await hub.cli(["interact", "--particles", "0", "--position", "0,0,0", "--seconds", "0.1"])
        #expect(short.status == 0)
        #expect(try await hub.cli(["state", "get"]).output == "{}\n")
        let bad = try await hub.cli(["interact", "--particles", "1.5", "--position", "0,0,0"])
        #expect(bad.status == 2)
        #expect(await hub.stop() == 0)
    }

    @Test("the frames scenario measures subscribers of the frame server: rate, latency from server.timestamp, bytes")
    func benchFrames() async throws {
        let (server, port) = try await startFrameServer(atoms: 100, rate: 30)
        for mode in [[], ["--latest"]] {
            let outcome = try await run("nanover-bench", ["frames", "--port", String(port), "--subscribers", "3", "--seconds", "1", "--json", "--server-pid", String(server.processIdentifier)] + mode)
            #expect(outcome.status == 0, "\(outcome.errors)")
            let line = try #require(outcome.output.split(separator: "\n").last)
            let figures = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(figures["subscribers"] as? Double == 3)
            #expect((figures["min_fps"] as? Double ?? 0) > 0)
            #expect((figures["published_fps"] as? Double ?? 0) > 0)
            #expect((figures["p99_ms"] as? Double ?? -1) >= 0, "latency from the frames' server timestamps")
            #expect((figures["mib_per_s"] as? Double ?? 0) > 0)
            #expect((figures["server_peak_rss_mib"] as? Double ?? 0) > 0)
        }
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    @Test("the README's example simulation publishes three particles on a circle of 1 nm, and stops cleanly")
    func circleExample() async throws {
        let example = try RunningProgram("nanover-circle", ["0"])
        let line = await example.waitForLine("the example says where it listens") { $0.contains("listening on") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0) }, "\(example.errors)")
        let outcome = try await run("nanover", ["--port", String(port), "frames", "get"])
        let frame = try NanoverJSON.value(from: outcome.output)
        #expect(frame["particle_count"] == 3)
        let list = try #require(frame["arrays"]?["particle.positions"]?.listValue)
        let positions = list.compactMap { $0.doubleValue }
        #expect(positions.count == 9)
        for particle in 0..<3 {
            let x = positions[3 * particle], y = positions[3 * particle + 1]
            #expect(abs(x * x + y * y - 1) < 1e-5, "particle \(particle) is on the circle")
        }
        example.signal(SIGINT)
        #expect(await example.exitStatus() == 0)
    }
}
