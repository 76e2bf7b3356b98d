import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// `nanover`, the command-line client, against a real `nanover-server`.
@Suite("nanover")
struct ClientProgramTests {
    @Test("commands lists names with default arguments, as text or JSON")
    func commands() async throws {
        let server = try await ServerProcess.start()
        let text = try await server.cli(["commands"])
        #expect(text.status == 0)
        // Numbers arrive over gRPC as doubles, and are printed as doubles.
        #expect(text.output == "multiuser/radially-orient-origins  {\"radius\":1.0}\n")
        let json = try await server.cli(["commands", "--json"])
        #expect(try NanoverJSON.value(from: json.output) == ["multiuser/radially-orient-origins": ["radius": 1]])
        #expect(await server.stop() == 0)
    }

    @Test("set, get and remove the shared state; values are JSON when they parse, else strings")
    func setGetRemove() async throws {
        let server = try await ServerProcess.start()
        #expect(try await server.cli(["state", "get"]).output == "{}\n")
        let set = try await server.cli(["state", "set", "n=3", "name=alice", #"list=[1,true,null]"#, "quoted=\"7\""])
        #expect(set.status == 0)
        let all = try await server.cli(["state", "get"])
        #expect(try NanoverJSON.value(from: all.output) == ["n": 3, "name": "alice", "list": [1, true, nil], "quoted": "7"])
        let some = try await server.cli(["state", "get", "n", "missing"])
        #expect(try NanoverJSON.value(from: some.output) == ["n": 3])
        #expect(try await server.cli(["state", "remove", "n", "name"]).status == 0)
        #expect(try NanoverJSON.value(from: try await server.cli(["state", "get"]).output) == ["list": [1, true, nil], "quoted": "7"])
        #expect(await server.stop() == 0)
    }

    @Test("a lock held by one token refuses another's change with status 1, until unlocked")
    func locks() async throws {
        let server = try await ServerProcess.start()
        #expect(try await server.cli(["lock", "hello=60", "--token", "alice"]).status == 0)
        let refused = try await server.cli(["state", "set", "hello=1", "--token", "bob"])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("locked"))
        #expect(try await server.cli(["lock", "hello=60", "--token", "bob"]).status == 1)
        #expect(try await server.cli(["state", "set", "hello=2", "--token", "alice"]).status == 0)
        // Unlocking someone else's lock is ignored.
        #expect(try await server.cli(["unlock", "hello", "--token", "bob"]).status == 0)
        #expect(try await server.cli(["state", "remove", "hello", "--token", "bob"]).status == 1)
        #expect(try await server.cli(["unlock", "hello", "--token", "alice"]).status == 0)
        #expect(try await server.cli(["state", "remove", "hello", "--token", "bob"]).status == 0)
        #expect(await server.stop() == 0)
    }

    @Test("run prints the result as JSON; key=value overrides --arguments")
    func runCommand() async throws {
        // The avatar is written by a client that leaves at once.
        let server = try await ServerProcess.start(["--keep-departed-users"])
        #expect(try await server.cli(["state", "set", "avatar.x={}"]).status == 0)
        let outcome = try await server.cli(["run", "multiuser/radially-orient-origins", "--arguments", #"{"radius": "bad"}"#, "radius=3"])
        #expect(outcome.status == 0)
        #expect(outcome.output == "{}\n")
        let state = try NanoverJSON.value(from: try await server.cli(["state", "get", "user-origin.x"]).output)
        #expect(state["user-origin.x"]?["position"]?[0] == 3)
        #expect(await server.stop() == 0)
    }

    @Test("watch prints the whole state, then each update, one JSON line each, filtered by prefix")
    func watch() async throws {
        let server = try await ServerProcess.start(["--initial-state", #"{"avatar.1": {"x": 0}, "other": 1}"#])
        let watcher = try RunningProgram("nanover", ["--port", String(server.port), "state", "watch", "--prefix", "avatar.", "--interval", "0"])
        let first = await watcher.waitForLine("the whole state") { $0.contains("avatar.1") }
        #expect(first == #"{"updates":{"avatar.1":{"x":0.0}},"removals":[]}"#)
        #expect(try await server.cli(["state", "set", "other=2"]).status == 0)
        #expect(try await server.cli(["state", "set", "avatar.2=[1]"]).status == 0)
        #expect(try await server.cli(["state", "remove", "avatar.1"]).status == 0)
        _ = await watcher.waitForLine("the removal") { $0.contains(#""removals":["avatar.1"]"#) }
        let lines = watcher.outputLines
        #expect(lines.contains(#"{"updates":{"avatar.2":[1.0]},"removals":[]}"#))
        #expect(!lines.contains { $0.contains("other") })
        watcher.signal(SIGINT)
        #expect(await watcher.exitStatus() == 0)
        #expect(await server.stop() == 0)
    }

    @Test("exit statuses: 2 for usage, 3 when no server answers, 4 when the command fails")
    func exitStatuses() async throws {
        let server = try await ServerProcess.start()
        let usage = try await server.cli(["lock", "hello=soon"])
        #expect(usage.status == 2)
        #expect(usage.errors.split(separator: "\n").count == 1)
        let unknown = try await server.cli(["run", "no-such-command"])
        #expect(unknown.status == 4)
        #expect(unknown.errors.contains("INVALID_ARGUMENT"))
        #expect(unknown.errors.contains("no-such-command"))
        let port = server.port
        #expect(await server.stop() == 0)
        let unreachable = try await run("nanover", ["--port", String(port), "state", "get"])
        #expect(unreachable.status == 3)
        #expect(unreachable.errors.split(separator: "\n").count == 1)
    }

    @Test("every command has --help")
    func help() async throws {
        for command in [[], ["commands"], ["run"], ["state"], ["state", "get"], ["state", "watch"], ["state", "set"], ["state", "remove"], ["lock"], ["unlock"], ["frames"], ["frames", "watch"], ["frames", "get"], ["interact"], ["record"], ["recording"], ["recording", "info"]] {
            let outcome = try await run("nanover", command + ["--help"])
            #expect(outcome.status == 0, "nanover \(command.joined(separator: " ")) --help")
            #expect(outcome.output.contains("USAGE"))
        }
        let server = try await run("nanover-server", ["--help"])
        #expect(server.status == 0)
        #expect(server.output.contains("--state-file"))
    }
}
