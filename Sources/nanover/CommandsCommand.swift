import ArgumentParser
import NanoverCore

struct CommandsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "List the server's commands with their default arguments."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print one JSON object: command names to their default arguments.")
    var json = false

    func run() async throws {
        let commands = try await connection.withSession { client in
            try await client.listCommands()
        }
        if json {
            print(jsonLine(commands.mapValues { .structure($0.arguments) }))
            return
        }
        for name in commands.keys.sorted() {
            print("\(name)  \(jsonLine(commands[name]?.arguments ?? [:]))")
        }
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command and print its result as JSON.",
        discussion: "Arguments given as KEY=VALUE are read as JSON when they parse, else as strings; they override --arguments."
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The command's name.")
    var name: String

    @Argument(help: "Arguments as KEY=VALUE.")
    var arguments: [KeyValue] = []

    @Option(name: .customLong("arguments"), help: "Arguments as one JSON object.")
    var argumentsJSON: String?

    func run() async throws {
        var merged: NanoverStruct = [:]
        if let argumentsJSON {
            guard let fields = try? NanoverJSON.structure(from: argumentsJSON) else {
                throw CLIFailure(.usage, "--arguments must be a JSON object")
            }
            merged = fields
        }
        for argument in arguments {
            merged[argument.key] = argument.value
        }
        let result = try await connection.withSession(callTimeout: false, serverError: .commandFailed) { client in
            try await client.run(name, arguments: merged)
        }
        print(NanoverJSON.string(result))
    }
}
