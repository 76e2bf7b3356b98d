import NanoverCore
import Testing

/// Register, unregister, list and run. The reference's
/// `tests/utilities/test_key_lockable_map.py` tests the map behind its
/// command service; its cases live on here as the registry's rules.
@Suite("Command registry")
struct CommandRegistryTests {
    let registry = CommandRegistry()

    @Test("a registered command is listed with its defaults and runs")
    func registerAndRun() async throws {
        try registry.register("echo", defaultArguments: ["a": 2]) { $0 }
        #expect(registry.commands["echo"]?.defaultArguments == ["a": 2])
        #expect(try await registry.run("echo") == ["a": 2])
    }

    @Test("registering a taken name is an error and keeps the first command")
    func duplicate() async throws {
        try registry.register("name") { _ in ["which": "first"] }
        #expect(throws: CommandError.alreadyRegistered(name: "name")) {
            try registry.register("name") { _ in ["which": "second"] }
        }
        #expect(try await registry.run("name") == ["which": "first"])
    }

    @Test("an unregistered command is gone; unregistering an unknown name is an error")
    func unregister() async throws {
        try registry.register("name") { _ in nil }
        try registry.unregister("name")
        #expect(registry.commands.isEmpty)
        #expect(throws: CommandError.unknownCommand(name: "name")) { try registry.unregister("name") }
        await #expect(throws: CommandError.unknownCommand(name: "name")) { try await registry.run("name") }
    }

    @Test("a name can be registered again after it was unregistered")
    func reregister() async throws {
        try registry.register("name") { _ in ["v": 1] }
        try registry.unregister("name")
        try registry.register("name") { _ in ["v": 2] }
        #expect(try await registry.run("name") == ["v": 2])
    }

    @Test("the caller's arguments overlay the defaults", arguments: [
        (["x": 8] as NanoverStruct, 8.0),
        (["z": 2] as NanoverStruct, 8.0),
        (["x": 4, "z": 4] as NanoverStruct, 16.0),
        ([:] as NanoverStruct, 4.0),
    ])
    func overlay(arguments: NanoverStruct, product: Double) async throws {
        try registry.register("multiply", defaultArguments: ["x": 4, "z": 1]) { arguments in
            let x = arguments["x"]?.doubleValue ?? 2
            let z = arguments["z"]?.doubleValue ?? 1
            return ["y": .double(x * z)]
        }
        #expect(try await registry.run("multiply", arguments: arguments) == ["y": .double(product)])
    }

    @Test("keys the defaults lack are passed too")
    func extraKeys() async throws {
        try registry.register("echo", defaultArguments: ["a": 1]) { $0 }
        #expect(try await registry.run("echo", arguments: ["b": 2]) == ["a": 1, "b": 2])
    }

    @Test("a handler returning nothing gives an empty result")
    func emptyResult() async throws {
        try registry.register("nothing") { _ in nil }
        #expect(try await registry.run("nothing") == [:])
    }

    @Test("a handler's error reaches the caller")
    func handlerError() async throws {
        struct Boom: Error, Equatable {}
        try registry.register("boom") { _ in throw Boom() }
        await #expect(throws: Boom()) { try await registry.run("boom") }
    }

    @Test("a result that cannot go on the wire is refused")
    func invalidResult() async throws {
        try registry.register("deep") { _ in
            var value: NanoverValue = 1
            for _ in 0..<100 { value = [value] }
            return ["deep": value]
        }
        await #expect(throws: CommandError.self) { try await registry.run("deep") }
    }
}
