import Foundation
import NanoverTestSupport
import Testing

/// `nanover-bench` as `scripts/bench` runs it: each scenario drives a server
/// over the wire and reports its figures. Runs are short and the checks are
/// about what is reported, never how fast: speed is for benchmark runs.
@Suite("nanover-bench")
struct BenchProgramTests {
    /// Runs a scenario with `--json` against `port` and returns its figures.
    private func figures(_ arguments: [String], port: Int, serverPid: Int32? = nil) async throws -> [String: Any] {
        var arguments = arguments + ["--port", String(port), "--json"]
        if let serverPid {
            arguments += ["--server-pid", String(serverPid)]
        }
        let outcome = try await run("nanover-bench", arguments, timeout: .seconds(120))
        #expect(outcome.status == 0, "\(arguments): \(outcome.errors)")
        let line = try #require(outcome.output.split(separator: "\n").last, "\(arguments): no output")
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }

    @Test("every scenario drives nanover-server and reports its figures, with the server's CPU and memory")
    func scenariosAgainstOurServer() async throws {
        let server = try await ServerProcess.start()
        let pid = server.program.processIdentifier

        let updates = try await figures(["update-throughput", "--callers", "2", "--seconds", "1"], port: server.port, serverPid: pid)
        #expect(updates["scenario"] as? String == "update-throughput")
        #expect((updates["calls_per_s"] as? Double ?? 0) > 0)
        #expect((updates["server_cpu_s"] as? Double ?? 0) > 0)
        #expect((updates["server_peak_rss_mib"] as? Double ?? 0) > 0)
        #expect(updates["load_cpu_share"] is Double)

        let commands = try await figures(["commands", "--callers", "2", "--seconds", "1"], port: server.port)
        #expect((commands["calls_per_s"] as? Double ?? 0) > 0)

        let fanout = try await figures(["fanout", "--subscribers", "4", "--rate", "20", "--seconds", "1"], port: server.port)
        #expect(fanout["all_got_last"] as? Double == 1)
        #expect((fanout["deliveries"] as? Double ?? 0) > 0)

        let vr = try await figures(["vr-session", "--users", "3", "--observers", "3", "--seconds", "1"], port: server.port)
        #expect((vr["observed"] as? Double ?? 0) > 0, "other users' avatars reached the observers")
        #expect((vr["achieved_writes_per_s"] as? Double ?? 0) > 0)

        let webSocketPort = try #require(server.webSocketPort)
        let vrWebSocket = try await figures(["vr-session", "--transport", "ws", "--users", "3", "--observers", "3", "--seconds", "1"], port: webSocketPort)
        #expect(vrWebSocket["scenario"] as? String == "vr-session-ws")
        #expect((vrWebSocket["observed"] as? Double ?? 0) > 0, "other 2026 users' avatars reached the observers")
        #expect((vrWebSocket["achieved_writes_per_s"] as? Double ?? 0) > 0)

        let mixed = try await figures([
            "vr-session", "--transport", "mixed", "--ws-port", String(webSocketPort), "--users", "4", "--observers", "4", "--seconds", "1",
        ], port: server.port)
        #expect((mixed["p99_ms_grpc_observers"] as? Double ?? 0) > 0, "gRPC observers saw others' avatars")
        #expect((mixed["p99_ms_ws_observers"] as? Double ?? 0) > 0, "2026 observers saw others' avatars")
        #expect(mixed["observers_seeing_other_protocol"] as? Double == 1, "every observer saw users of the other protocol")

        let idle = try await figures(["idle-subscribers", "--count", "20", "--connections", "2"], port: server.port, serverPid: pid)
        #expect(idle["subscriptions"] as? Double == 20)
        #expect(idle["kib_per_subscription"] is Double)

        #expect(await server.stop() == 0)
    }

    @Test("the baseline server answers both services and streams nothing, so only --rate-only can judge a VR step on it")
    func baselineServer() async throws {
        let baseline = try RunningProgram("nanover-bench", ["baseline-server", "--port", "0"])
        let line = await baseline.waitForLine("the baseline server says where it listens") { $0.contains("listening on") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0) }, "\(baseline.errors)")

        let updates = try await figures(["update-throughput", "--callers", "2", "--seconds", "1"], port: port)
        #expect((updates["calls_per_s"] as? Double ?? 0) > 0)
        let commands = try await figures(["commands", "--callers", "2", "--seconds", "1"], port: port)
        #expect((commands["calls_per_s"] as? Double ?? 0) > 0)

        let vr = try await figures(["vr-session", "--users", "2", "--seconds", "1"], port: port)
        #expect(vr["observed"] as? Double == 0, "the baseline streams no avatars")
        // Judged by latency too, no step can hold: nothing is ever seen.
        let judged = try await figures(["vr-session", "--find-max", "--start-users", "2", "--seconds", "1"], port: port)
        #expect(judged["max_users"] as? Double == 0)

        baseline.signal(SIGTERM)
        #expect(await baseline.exitStatus() == 0)
    }
}
