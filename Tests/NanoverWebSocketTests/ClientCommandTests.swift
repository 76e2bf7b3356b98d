import GRPCCore
import NIOPosix
import NanoverCore
import NanoverGRPC
import NanoverTestSupport
@testable import NanoverWebSocket
import Testing

/// Commands from the 2026 client: requests and replies, exceptions, the
/// list, and commands registered on a client, called over both protocols.
@Suite("2026 client: commands")
struct ClientCommandTests {
    @Test("a command runs with the caller's arguments over its defaults; the result comes back exactly")
    func runCommand() async throws {
        try await withHub { client, hub async throws in
            try hub.session.commands.register("echo", defaultArguments: ["a": 1, "b": "two"]) { arguments in arguments }
            let result = try await client.runCommand("echo", arguments: ["b": .binary([1, 2]), "c": .uint(UInt64.max)])
            #expect(ClientStateTests.identical(result, ["a": .int(1), "b": .binary([1, 2]), "c": .uint(UInt64.max)]), "\(result)")
        }
    }

    @Test("a handler that may block runs off the hub's threads; one registered as quick runs on them")
    func handlersThatMayBlock() async throws {
        try await withHub { client, hub async throws in
            let onServerThread: @Sendable (NanoverStruct) -> NanoverStruct? = { _ in
                ["on_server_thread": .bool(MultiThreadedEventLoopGroup.currentEventLoop != nil)]
            }
            try hub.session.commands.register("may-block", handler: onServerThread)
            try hub.session.commands.register("quick", mayBlock: false, handler: onServerThread)
            #expect(try await client.runCommand("may-block")["on_server_thread"] == false)
            #expect(try await client.runCommand("quick")["on_server_thread"] == true)
        }
    }

    @Test("a command that returns nothing answers nil")
    func nothing() async throws {
        try await withHub { client, hub async throws in
            try hub.session.commands.register("quiet") { _ in nil }
            #expect(ClientStateTests.identical(try await client.runCommand("quiet"), .null))
        }
    }

    @Test("a failing command and an unknown one throw the server's exception text")
    func exceptions() async throws {
        try await withHub { client, hub async throws in
            try hub.session.commands.register("fail") { _ in throw CommandError.invalidArguments("no good at all") }
            do {
                _ = try await client.runCommand("fail")
                Issue.record("the failing command succeeded")
            } catch NanoverWebSocketClientError.commandFailed(let name, let message) {
                #expect(name == "fail")
                #expect(message.contains("no good at all"))
            }
            do {
                _ = try await client.runCommand("no/such/command")
                Issue.record("an unknown command succeeded")
            } catch NanoverWebSocketClientError.commandFailed(let name, let message) {
                #expect(name == "no/such/command")
                #expect(message.contains("unknown command"), "\(message)")
            }
            // The connection goes on.
            #expect(try await client.runCommand(NanoverWebSocketClient.listCommand).structValue != nil)
        }
    }

    @Test("replies are matched by request id: concurrent calls each get their own, whatever order they finish in")
    func concurrentCalls() async throws {
        try await withHub { client, hub async throws in
            let gate = Gate()
            try hub.session.commands.register("slow") { arguments in
                await gate.wait()
                return ["n": arguments["n"] ?? .null]
            }
            try hub.session.commands.register("fast") { arguments in ["n": arguments["n"] ?? .null] }
            async let slow = client.runCommand("slow", arguments: ["n": 1])
            for n in 2...6 {
                #expect(ClientStateTests.identical(try await client.runCommand("fast", arguments: ["n": .int(Int64(n))]), ["n": .int(Int64(n))]))
            }
            gate.open()
            #expect(ClientStateTests.identical(try await slow, ["n": .int(1)]))
        }
    }

    @Test("the command list names every command with its default arguments")
    func list() async throws {
        try await withHub { client, hub async throws in
            #expect(client.availableCommands.isEmpty)
            try hub.session.commands.register("multiply", defaultArguments: ["x": 2, "z": 1]) { _ in nil }
            let commands = try await client.updateAvailableCommands()
            #expect(Set(commands.keys) == ["multiply", NanoverWebSocketClient.listCommand])
            #expect(ClientStateTests.identical(commands["multiply"]?.arguments ?? [:], ["x": .int(2), "z": .int(1)]))
            #expect(client.availableCommands == commands)
        }
    }

    @Test("a list reply is read from its commands entries with labels and icons, or from the older list alone")
    func listForms() {
        let full: NanoverValue = [
            "list": ["a": ["x": 1]],
            "commands": [["name": "a", "arguments": ["x": 1], "label": "Do A", "icon": "🅰️"], ["name": "b"]],
        ]
        let commands = NanoverWebSocketClient.commands(in: full)
        #expect(commands?["a"] == CommandInfo(name: "a", arguments: ["x": 1], label: "Do A", icon: "🅰️"))
        #expect(commands?["b"] == CommandInfo(name: "b"))
        let older = NanoverWebSocketClient.commands(in: ["list": ["a": ["x": 1], "b": [:]]])
        #expect(older == ["a": CommandInfo(name: "a", arguments: ["x": 1]), "b": CommandInfo(name: "b")])
        #expect(NanoverWebSocketClient.commands(in: "nonsense") == nil)
    }

    @Test("a command registered on a client runs there when another 2026 client or a gRPC client calls it")
    func registeredCommand() async throws {
        try await withHub(grpc: true) { owner, hub async throws in
            let calls = Box<[NanoverStruct]>([])
            try await owner.registerCommand("double", defaultArguments: ["x": 1], label: "Double", icon: "✖️") { arguments in
                calls.mutate { $0.append(arguments) }
                guard let x = arguments["x"]?.intValue else { throw CommandError.invalidArguments("x must be a whole number") }
                return ["y": .int(Int64(2 * x))]
            }
            let caller = try await hub.connect()
            await waitUntil("the hub lists the command") { hub.session.commands.commands["double"] != nil }
            #expect(ClientStateTests.identical(try await caller.runCommand("double", arguments: ["x": 21]), ["y": .int(42)]))
            #expect(ClientStateTests.identical(try await caller.runCommand("double"), ["y": .int(2)]))
            let listed = try await caller.updateAvailableCommands()["double"]
            #expect(listed?.arguments == ["x": 1])
            #expect(listed?.label == "Double" && listed?.icon == "✖️", "the label and icon it registered are listed")

            let grpc = try hub.grpcClient()
            // Over gRPC numbers travel as doubles.
            #expect(try await grpc.runCommand("double", arguments: ["x": 5])["y"]?.doubleValue == 10)
            do {
                _ = try await caller.runCommand("double", arguments: ["x": "five"])
                Issue.record("a bad argument succeeded")
            } catch NanoverWebSocketClientError.commandFailed(_, let message) {
                #expect(message.contains("x must be a whole number"))
            }
            await #expect(throws: RPCError.self) {
                _ = try await grpc.runCommand("double", arguments: ["x": "five"])
            }
            #expect(calls.value.count == 5)
            await grpc.close()

            // The owner leaves: its command goes with it.
            await owner.close()
            await waitUntil("the hub drops the command") { hub.session.commands.commands["double"] == nil }
            await #expect(throws: NanoverWebSocketClientError.self) {
                _ = try await caller.runCommand("double")
            }
            await caller.close()
        }
    }

    @Test("registering a name twice on one client is refused locally")
    func registerTwice() async throws {
        try await withHub { client, hub async throws in
            try await client.registerCommand("mine") { _ in nil }
            await #expect(throws: CommandError.alreadyRegistered(name: "mine")) {
                try await client.registerCommand("mine") { _ in nil }
            }
        }
    }

    @Test("no reply within the call timeout throws timedOut, and the connection goes on")
    func callTimeout() async throws {
        let hub = try await Hub.start()
        let stuck = try StuckCommand(on: hub)
        var configuration = Hub.clientConfiguration
        configuration.callTimeout = .milliseconds(200)
        let client = try await hub.connect(configuration: configuration)
        do {
            _ = try await client.runCommand(stuck.name)
            Issue.record("a stuck command answered")
        } catch {
            guard case NanoverWebSocketClientError.timedOut = error else {
                Issue.record("\(error)")
                return
            }
        }
        stuck.release()
        // The connection goes on (checked through the state, which no call
        // timeout bounds: a loaded machine may take longer than the 200 ms).
        try await client.setState("after", to: 1)
        await waitUntil("the client's own change comes back") { client.copyState()["after"] == 1 }
        await client.close()
        await hub.close()
    }
}
