import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOPosix
import NanoverGRPC
import NanoverProtocol
import UnixSignals

/// The two NanoVer services with the same messages, doing no work: what the
/// gRPC stack alone costs, as the limit our server is compared with.
struct BaselineServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline-server",
        abstract: "Serve the NanoVer services doing no work, to measure the transport alone."
    )

    @Option(help: "Address to listen on.") var address = "127.0.0.1"
    @Option(help: "Port to listen on; 0 lets the system choose.") var port = 0
    @Option(help: "Threads to serve on, as nanover-server has by default; 0 serves on NIO's shared loops and Swift's pool.")
    var threads = NanoverServer.Configuration.defaultThreads

    func validate() throws {
        guard threads >= 0 else { throw ValidationError("--threads must not be negative") }
    }

    func run() async throws {
        let pool = threads > 0 ? ServerThreads.shared(count: threads) : nil
        // Threaded and flushing as nanover-server is, so that only the work differs.
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: address, port: port), transportSecurity: .plaintext,
            config: .defaults { $0.connection.flushCoalescing = nil },
            eventLoopGroup: pool?.eventLoopGroup ?? .singleton)
        let server = GRPCServer(
            transport: ThreadPinningTransport(transport, threads: pool),
            services: [NoWorkCommands(), NoWorkState()]
        )
        try await withTaskExecutorPreference(pool?.followingExecutor) {
            try await serve(server)
        }
    }

    private func serve(_ server: GRPCServer<ThreadPinningTransport<HTTP2ServerTransport.Posix>>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            guard let bound = try await server.listeningAddress, let boundPort = bound.ipv4?.port else {
                throw BenchError("the baseline server could not listen")
            }
            FileHandle.standardOutput.write(Data("baseline server listening on \(address):\(boundPort)\n".utf8))
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: [.sigint, .sigterm]) {
                    server.beginGracefulShutdown()
                    return
                }
            }
        }
    }
}

struct NoWorkCommands: Nanover_Protocol_Command_Command.SimpleServiceProtocol {
    func getCommands(request: Nanover_Protocol_Command_GetCommandsRequest, context: ServerContext) async throws -> Nanover_Protocol_Command_GetCommandsReply {
        Nanover_Protocol_Command_GetCommandsReply()
    }

    func runCommand(request: Nanover_Protocol_Command_CommandMessage, context: ServerContext) async throws -> Nanover_Protocol_Command_CommandReply {
        Nanover_Protocol_Command_CommandReply()
    }
}

struct NoWorkState: Nanover_Protocol_State_State.SimpleServiceProtocol {
    func subscribeStateUpdates(
        request: Nanover_Protocol_State_SubscribeStateUpdatesRequest,
        response: RPCWriter<Nanover_Protocol_State_StateUpdate>,
        context: ServerContext
    ) async throws {
        try await response.write(Nanover_Protocol_State_StateUpdate())
        // Hold the stream open until the client leaves or the server stops.
        // The handler's task is not cancelled then, only the RPC: waiting on
        // the task alone kept every stream (and shutdown) waiting forever.
        try? await context.cancellation.cancelled
    }

    func updateState(request: Nanover_Protocol_State_UpdateStateRequest, context: ServerContext) async throws -> Nanover_Protocol_State_UpdateStateResponse {
        Nanover_Protocol_State_UpdateStateResponse.with { $0.success = true }
    }

    func updateLocks(request: Nanover_Protocol_State_UpdateLocksRequest, context: ServerContext) async throws -> Nanover_Protocol_State_UpdateLocksResponse {
        Nanover_Protocol_State_UpdateLocksResponse.with { $0.success = true }
    }
}
