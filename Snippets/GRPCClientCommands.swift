// List a server's commands, run one with arguments laid over its defaults, and read a failure's gRPC status.

// snippet.hide
import GRPCCore
import NanoverCore
import NanoverGRPC

let session = NanoverSession()
try session.commands.register("scale", defaultArguments: ["factor": 2, "value": 1]) { arguments in
    guard let factor = arguments["factor"]?.doubleValue, let value = arguments["value"]?.doubleValue else {
        throw CommandError.invalidArguments("factor and value must be numbers")
    }
    return ["result": .double(factor * value)]
}
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)

// snippet.show
let client = try NanoverClient(address: "127.0.0.1", port: server.port)
let commands = try await client.updateAvailableCommands()
print(commands["scale"]?.arguments ?? [:])      // ["factor": 2.0, "value": 1.0]: the defaults

let scaled = try await client.runCommand("scale", arguments: ["value": 21])
print(scaled["result"]?.intValue ?? 0)           // 42: factor 2 from the defaults

do {
    _ = try await client.runCommand("scale", arguments: ["value": "many"])
} catch let error as RPCError {
    print(error.code, error.message)             // the handler's error, as a gRPC status
}
// snippet.hide
precondition(commands["scale"]?.arguments == ["factor": 2, "value": 1])
precondition(scaled["result"] == 42)
do {
    _ = try await client.runCommand("scale", arguments: ["value": "many"])
    preconditionFailure("the command should have failed")
} catch let error as RPCError {
    precondition(error.code == .invalidArgument, "\(error)")
}
do {
    _ = try await client.runCommand("no/such/command")
    preconditionFailure("the command should have failed")
} catch let error as RPCError {
    precondition(error.code == .invalidArgument, "\(error)")
}
// snippet.show

await client.close()
await server.close()
session.close()
