import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

/// Commands over loopback gRPC. Ported in spirit from the reference's
/// `tests/core/test_nanover_client_server_commands.py`.
@Suite("Client and server: commands")
struct ClientServerCommandTests {
    static let defaultArguments: NanoverStruct = ["a": 2, "b": [1, 3, 4], "c": true]

    /// A handler that counts its calls and returns fixed values.
    final class Recorder: Sendable {
        let calls = Box<[NanoverStruct]>([])
        let result: NanoverStruct?

        init(result: NanoverStruct? = ClientServerCommandTests.defaultArguments) {
            self.result = result
        }

        var handler: CommandHandler {
            { [self] arguments in
                calls.mutate { $0.append(arguments) }
                return result
            }
        }
    }

    private static func multiply(_ arguments: NanoverStruct) throws -> NanoverStruct {
        guard let x = (arguments["x"] ?? 2).doubleValue, let z = (arguments["z"] ?? 1).doubleValue else {
            throw RPCError(code: .invalidArgument, message: "x and z must be numbers")
        }
        guard Set(arguments.keys).isSubset(of: ["x", "z"]) else {
            throw RPCError(code: .invalidArgument, message: "unexpected argument")
        }
        return ["y": .double(x * z)]
    }

    @Test("a client made with an address owns its connection; one handed a connection does not")
    func channelOwnership() async throws {
        try await withClientServer { client, server async throws in
            #expect(client.isChannelOwner)
            let second = NanoverClient(connection: client.connection)
            #expect(!second.isChannelOwner)
            await second.close()
            // The first client's connection still works.
            #expect(try await client.updateAvailableCommands().isEmpty)
        }
    }

    @Test("the known commands are empty until fetched, then equal what was fetched")
    func availableCommands() async throws {
        try await withClientServer { client, server async throws in
            #expect(client.availableCommands.isEmpty)
            try server.registerCommand("test", defaultArguments: Self.defaultArguments, handler: Recorder().handler)
            let commands = try await client.updateAvailableCommands()
            #expect(client.availableCommands == commands)
        }
    }

    @Test("a client made when no server listens neither crashes nor hangs; its first call fails")
    func noServer() async throws {
        // Take a free port, then free it again: nobody listens there.
        let server = try await startServer()
        let port = server.port
        await server.close()
        let client = try NanoverClient(address: "127.0.0.1", port: port)
        let error = await #expect(throws: RPCError.self) { try await client.updateAvailableCommands() }
        #expect(error?.code == .unavailable)
        await client.close()
    }

    @Test("listed commands carry their name and default arguments")
    func getCommands() async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("test", defaultArguments: Self.defaultArguments, handler: Recorder().handler)
            let commands = try await client.updateAvailableCommands()
            #expect(commands.count == 1)
            #expect(commands["test"] == CommandInfo(name: "test", arguments: Self.defaultArguments))
        }
    }

    @Test("the server lists its registrations")
    func commandsOnServer() async throws {
        try await withClientServer { _, server async throws in
            try server.registerCommand("test", handler: Recorder().handler)
            #expect(server.commands["test"]?.name == "test")
            #expect(server.commands["test"]?.defaultArguments == [:])
        }
    }

    @Test("an unregistered command disappears from the list")
    func unregister() async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("test", handler: Recorder().handler)
            #expect(try await client.updateAvailableCommands().count == 1)
            try server.unregisterCommand("test")
            #expect(try await client.updateAvailableCommands().isEmpty)
            #expect(throws: CommandError.unknownCommand(name: "test")) { try server.unregisterCommand("test") }
        }
    }

    @Test("registering a name twice is an error")
    func duplicate() async throws {
        try await withClientServer { _, server async throws in
            try server.registerCommand("test", handler: Recorder().handler)
            #expect(throws: CommandError.alreadyRegistered(name: "test")) {
                try server.registerCommand("test", handler: Recorder().handler)
            }
        }
    }

    @Test("ten commands are all listed, with empty arguments")
    func manyCommands() async throws {
        try await withClientServer { client, server async throws in
            for index in 0..<10 {
                try server.registerCommand(String(index), handler: Recorder().handler)
            }
            let commands = try await client.updateAvailableCommands()
            #expect(Set(commands.keys) == Set((0..<10).map(String.init)))
            #expect(commands.values.allSatisfy { $0.arguments.isEmpty && commands[$0.name] == $0 })
        }
    }

    @Test("a command with arguments lists them")
    func commandWithArguments() async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("test", defaultArguments: ["x": 1, "y": 2], handler: Recorder().handler)
            #expect(try await client.updateAvailableCommands()["test"]?.arguments == ["x": 1, "y": 2])
        }
    }

    @Test("running a command calls its handler once and returns its result")
    func run() async throws {
        try await withClientServer { client, server async throws in
            let recorder = Recorder()
            try server.registerCommand("test", handler: recorder.handler)
            #expect(try await client.runCommand("test") == Self.defaultArguments)
            #expect(recorder.calls.value == [[:]])
        }
    }

    @Test("the caller's arguments overlay the defaults", arguments: [
        (["x": 8] as NanoverStruct, 8.0), (["z": 2] as NanoverStruct, 8.0),
        (["x": 4, "z": 4] as NanoverStruct, 16.0), ([:] as NanoverStruct, 4.0),
    ])
    func overlay(arguments: NanoverStruct, product: Double) async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("multiply", defaultArguments: ["x": 4, "z": 1]) { try Self.multiply($0) }
            let result = try await client.runCommand("multiply", arguments: arguments)
            #expect(result == ["y": .double(product)])
        }
    }

    @Test("a command without defaults gets only the caller's arguments", arguments: [
        (["x": 8] as NanoverStruct, 8.0), (["z": 2] as NanoverStruct, 4.0),
        (["x": 4, "z": 4] as NanoverStruct, 16.0), ([:] as NanoverStruct, 2.0),
    ])
    func noDefaults(arguments: NanoverStruct, product: Double) async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("multiply") { try Self.multiply($0) }
            let result = try await client.runCommand("multiply", arguments: arguments)
            #expect(result == ["y": .double(product)])
            // Integers come back as doubles; the typed accessor reads them.
            #expect(result["y"]?.intValue == Int(product))
        }
    }

    @Test("a handler refusing its arguments fails the call with its status", arguments: [
        ["invalid_arg": 8] as NanoverStruct, ["x": ["key": "value"]] as NanoverStruct,
    ])
    func invalidArguments(arguments: NanoverStruct) async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("multiply") { try Self.multiply($0) }
            let error = await #expect(throws: RPCError.self) { try await client.runCommand("multiply", arguments: arguments) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("a handler that throws fails the call with UNKNOWN and its message, and the server goes on")
    func throwingHandler() async throws {
        struct Explosion: Error, CustomStringConvertible {
            var description: String { "the reactor exploded" }
        }
        try await withClientServer { client, server async throws in
            try server.registerCommand("explode") { _ in throw Explosion() }
            try server.registerCommand("fine") { _ in ["ok": true] }
            let error = await #expect(throws: RPCError.self) { try await client.runCommand("explode") }
            #expect(error?.code == .unknown)
            #expect(error?.message.contains("the reactor exploded") == true)
            #expect(try await client.runCommand("fine") == ["ok": true])
        }
    }

    @Test("a command that returns nothing gives an empty result")
    func noResult() async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("nothing", handler: Recorder(result: nil).handler)
            #expect(try await client.runCommand("nothing") == [:])
        }
    }

    @Test("an unknown command is INVALID_ARGUMENT naming it")
    func unknownCommand() async throws {
        try await withClientServer { client, server async throws in
            let error = await #expect(throws: RPCError.self) { try await client.runCommand("no-such-command") }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("no-such-command") == true)
        }
    }

    @Test("a result that cannot go on the wire fails the call")
    func invalidResult() async throws {
        try await withClientServer { client, server async throws in
            try server.registerCommand("deep") { _ in
                var value: NanoverValue = 1
                for _ in 0..<100 { value = [value] }
                return ["deep": value]
            }
            let error = await #expect(throws: RPCError.self) { try await client.runCommand("deep") }
            #expect(error?.code == .invalidArgument)
        }
    }
}
