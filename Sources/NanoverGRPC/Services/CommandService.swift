import GRPCCore
import Logging
import NanoverCore
import NanoverProtocol

/// The `nanover.protocol.command.Command` service over a command registry.
struct CommandService: RegistrableRPCService {
    private typealias Methods = Nanover_Protocol_Command_Command.Method

    let registry: CommandRegistry
    let maxRequestBytes: Int
    let logger: Logger

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerUnary(Methods.GetCommands.descriptor, maxRequestBytes: maxRequestBytes) { (_: Nanover_Protocol_Command_GetCommandsRequest, _) in
            try listCommands()
        }
        router.registerUnary(Methods.RunCommand.descriptor, maxRequestBytes: maxRequestBytes) { (request: Nanover_Protocol_Command_CommandMessage, _) in
            try await run(request)
        }
    }

    private func listCommands() throws -> Nanover_Protocol_Command_GetCommandsReply {
        var reply = Nanover_Protocol_Command_GetCommandsReply()
        for registration in registry.commands.values.sorted(by: { $0.name < $1.name }) {
            var command = Nanover_Protocol_Command_CommandMessage()
            command.name = registration.name
            // Registration validated the defaults, so this cannot fail.
            command.arguments = try registration.defaultArguments.protobufStruct()
            reply.commands.append(command)
        }
        return reply
    }

    private func run(_ request: Nanover_Protocol_Command_CommandMessage) async throws -> Nanover_Protocol_Command_CommandReply {
        let name = request.name
        let arguments: NanoverStruct
        do {
            arguments = try NanoverStruct(protobuf: request.arguments)
        } catch {
            throw RPCError(code: .invalidArgument, message: "arguments of command \"\(name)\": \(error)")
        }
        let result: NanoverStruct
        do {
            // Handlers are the embedder's code and may block or take long:
            // never on the server's own threads, unless registered as quick.
            result = try await registry.serve(name, arguments: arguments)
        } catch let error as CommandError {
            switch error {
            case .unknownCommand:
                throw RPCError(code: .invalidArgument, message: "Unknown command: \"\(name)\"")
            case .invalidArguments(let message):
                throw RPCError(code: .invalidArgument, message: "command \"\(name)\": \(message)")
            case .cannotRunNow(let message):
                throw RPCError(code: .failedPrecondition, message: "command \"\(name)\": \(message)")
            case .invalidValue, .alreadyRegistered:
                // As the reference: a result that cannot be serialised is the
                // caller's INVALID_ARGUMENT.
                throw RPCError(code: .invalidArgument, message: error.description)
            }
        } catch let error as RPCError {
            throw error
        } catch {
            logger.warning("command failed", metadata: ["command": "\(name)", "error": "\(error)"])
            throw RPCError(code: .unknown, message: "command \"\(name)\" failed: \(error)")
        }
        var reply = Nanover_Protocol_Command_CommandReply()
        reply.result = try result.protobufStruct()
        return reply
    }
}
