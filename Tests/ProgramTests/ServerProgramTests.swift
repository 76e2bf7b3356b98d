import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// `nanover-server` as a user runs it.
@Suite("nanover-server")
struct ServerProgramTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("nanover-\(UUID().uuidString)-\(name)").path
    }

    @Test("on port 0 it prints one line with the real port, and serves on it")
    func listeningLine() async throws {
        let server = try await ServerProcess.start(["--name", "Lab session"])
        let line = try #require(server.program.outputLines.first)
        #expect(line == "NanoVer server \"Lab session\" listening on 127.0.0.1:\(server.port)")
        #expect(server.port > 0)
        #expect(try await server.cli(["commands"]).status == 0)
        #expect(await server.stop() == 0)
    }

    @Test("SIGINT and SIGTERM stop it cleanly, ending subscriptions normally", arguments: [SIGINT, SIGTERM])
    func cleanShutdown(signal: Int32) async throws {
        let server = try await ServerProcess.start()
        let watcher = try RunningProgram("nanover", ["--port", String(server.port), "state", "watch", "--interval", "0"])
        #expect(try await server.cli(["state", "set", "hello=1"]).status == 0)
        _ = await watcher.waitForLine("the watcher sees the change") { $0.contains("hello") }
        #expect(await server.stop(signal: signal) == 0)
        // The watcher's stream ended normally, so it exits on its own.
        #expect(await watcher.exitStatus() == 0)
    }

    @Test("a taken port is a one-line error and exit status 1")
    func portTaken() async throws {
        let server = try await ServerProcess.start()
        let second = try await run("nanover-server", ["--address", "127.0.0.1", "--port", String(server.port)])
        #expect(second.status == 1)
        #expect(second.errors.contains("already in use"))
        #expect(second.errors.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(try await server.cli(["commands"]).status == 0)
        #expect(await server.stop() == 0)
    }

    @Test("the state file survives a restart")
    func stateFileRestart() async throws {
        let path = temporaryPath("state.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await ServerProcess.start(["--state-file", path])
        #expect(try await first.cli(["state", "set", #"scene={"atoms":[1,2,3]}"#, "name=water", "gone=1"]).status == 0)
        #expect(try await first.cli(["state", "remove", "gone"]).status == 0)
        #expect(await first.stop() == 0)

        let second = try await ServerProcess.start(["--state-file", path])
        let state = try await second.cli(["state", "get"])
        #expect(state.status == 0)
        #expect(try NanoverJSON.value(from: state.output) == ["scene": ["atoms": [1, 2, 3]], "name": "water"])
        #expect(await second.stop() == 0)
    }

    @Test("the state file is written while running, not only at shutdown")
    func stateFileWhileRunning() async throws {
        let path = temporaryPath("state.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try await ServerProcess.start(["--state-file", path])
        #expect(try await server.cli(["state", "set", "live=true"]).status == 0)
        await waitUntil("the file holds the change") {
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { try? NanoverJSON.value(from: $0) } == ["live": true]
        }
        #expect(await server.stop() == 0)
    }

    @Test("without --state-file nothing is written")
    func noStateFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServerProcess.start(in: directory)
        #expect(try await server.cli(["state", "set", "a=1"]).status == 0)
        #expect(await server.stop() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a corrupt state file stops the start with a clear message and is left untouched")
    func corruptStateFile() async throws {
        let path = temporaryPath("corrupt.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let corrupt = #"{"a": [1, 2"#
        try corrupt.write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--state-file", path])
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains(path))
        #expect(!outcome.output.contains("listening"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == corrupt)
    }

    @Test("a seed the state cannot take stops the start before it listens, with a clear message")
    func seedOverLimit() async throws {
        // Seeding once came after listening, and its failure left the
        // server running until the process ended.
        let outcome = try await run("nanover-server", [
            "--address", "127.0.0.1", "--port", "0", "--max-state-keys", "1", "--initial-state", #"{"a": 1, "b": 2}"#,
        ])
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("limit of 1 keys"))
        #expect(!outcome.output.contains("listening"))
    }

    @Test("--initial-state seeds keys, from JSON or from a file")
    func initialState() async throws {
        let inline = try await ServerProcess.start(["--initial-state", #"{"seed": [1, "two"]}"#])
        #expect(try NanoverJSON.value(from: try await inline.cli(["state", "get"]).output) == ["seed": [1, "two"]])
        #expect(await inline.stop() == 0)

        let path = temporaryPath("seed.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"from": "file"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = try await ServerProcess.start(["--initial-state", "@" + path])
        #expect(try NanoverJSON.value(from: try await fromFile.cli(["state", "get"]).output) == ["from": "file"])
        #expect(await fromFile.stop() == 0)
    }

    @Test("it offers the multi-user command, which arranges avatars on a circle")
    func multiuserCommand() async throws {
        // The avatars are written by a client that leaves at once.
        let server = try await ServerProcess.start(["--keep-departed-users"])
        let commands = try await server.cli(["commands", "--json"])
        #expect(try NanoverJSON.value(from: commands.output) == ["multiuser/radially-orient-origins": ["radius": 1]])
        #expect(try await server.cli(["state", "set", "avatar.a={}", "avatar.b={}"]).status == 0)
        #expect(try await server.cli(["run", "multiuser/radially-orient-origins", "radius=2"]).status == 0)
        let state = try NanoverJSON.value(from: try await server.cli(["state", "get", "user-origin.a", "user-origin.b"]).output)
        let a = state["user-origin.a"]?["position"]?.listValue?.compactMap(\.doubleValue) ?? []
        let b = state["user-origin.b"]?["position"]?.listValue?.compactMap(\.doubleValue) ?? []
        #expect(a == [2, 0, 0])
        #expect(b.count == 3 && abs(b[0] + 2) < 1e-9 && b[1] == 0 && abs(b[2]) < 1e-9)
        #expect(await server.stop() == 0)
    }

    @Test("a gRPC client's user leaves with its connection, unless --keep-departed-users")
    func departedUsers() async throws {
        let server = try await ServerProcess.start()
        #expect(try await server.cli(["state", "set", "avatar.cli={}", "user-origin.cli={}", "other=1"]).status == 0)
        var keys: [String] = []
        for _ in 0..<1000 {
            keys = try NanoverJSON.value(from: try await server.cli(["state", "get"]).output).structValue.map { Array($0.keys) } ?? []
            if keys == ["other"] { break }
        }
        #expect(keys == ["other"])
        #expect(await server.stop() == 0)

        let keeping = try await ServerProcess.start(["--keep-departed-users"])
        #expect(try await keeping.cli(["state", "set", "avatar.cli={}"]).status == 0)
        #expect(try await keeping.cli(["state", "set", "other=1"]).status == 0)
        let state = try NanoverJSON.value(from: try await keeping.cli(["state", "get"]).output)
        #expect(state["avatar.cli"] != nil)
        #expect(await keeping.stop() == 0)
    }

    @Test("--metrics-port serves Prometheus text whose figures move with the session, and /health")
    func metrics() async throws {
        let server = try await ServerProcess.start(["--metrics-port", "0"])
        let line = await server.program.waitForLine("the server gives its metrics URL") { $0.hasPrefix("Metrics on http://") }
        let url = try #require(line?.components(separatedBy: " on ").last)
        func scrape() async throws -> [String: Double] {
            let answer = try await httpGet(url)
            #expect(answer.status == 200)
            return prometheusSamples(answer.body)
        }
        let before = try await scrape()
        #expect(before["nanover_state_changes_total{outcome=\"applied\"}"] == 0)
        #expect(before["nanover_state_keys"] == 0)
        #expect(before["nanover_frames_published_total"] == 0)

        #expect(try await server.cli(["state", "set", "a=1", "b=2"]).status == 0)
        #expect(try await server.cli(["lock", "a=60", "--token", "alice"]).status == 0)
        #expect(try await server.cli(["state", "set", "a=3", "--token", "bob"]).status == 1)
        #expect(try await server.cli(["run", "multiuser/radially-orient-origins"]).status == 0)
        let watcher = try RunningProgram("nanover", ["--port", String(server.port), "state", "watch", "--interval", "0"])
        _ = await watcher.waitForLine("the watcher has the state") { $0.contains("\"b\"") }

        let during = try await scrape()
        // The set, and the command's own change.
        #expect(during["nanover_state_changes_total{outcome=\"applied\"}"] == 2)
        #expect(during["nanover_state_changes_total{outcome=\"refused\"}"] == 1)
        #expect(during["nanover_lock_requests_total{outcome=\"applied\"}"] == 1)
        #expect(during["nanover_locks_held"] == 1)
        #expect(during["nanover_state_keys"] == 2)
        #expect(during["nanover_command_calls_total{command=\"multiuser/radially-orient-origins\"}"] == 1)
        #expect(during["nanover_command_duration_seconds_count{command=\"multiuser/radially-orient-origins\"}"] == 1)
        #expect(during["nanover_subscriptions{kind=\"state\"}"] == 1)
        #expect(during["nanover_connections{protocol=\"grpc\"}"] == 1)
        #expect((during["nanover_bytes_sent_total{protocol=\"grpc\"}"] ?? 0) > 0)
        #expect(try await httpGet(url.replacingOccurrences(of: "/metrics", with: "/health")).status == 200)

        watcher.signal(SIGTERM)
        _ = await watcher.exitStatus()
        #expect(await server.stop() == 0)
    }
}
