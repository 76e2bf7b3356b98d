import ArgumentParser
import GRPCCore
import NanoverCore
import NanoverGRPC

/// Where the server is, for every subcommand.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Address of the NanoVer server.")
    var address = "localhost"

    @Option(help: "Port of the NanoVer server.")
    var port = NanoverServer.defaultPort

    @Option(help: "Seconds to wait for each call before giving up.")
    var timeout: Double = 10

    func validate() throws {
        guard (1...65535).contains(port) else {
            throw ValidationError("--port must be between 1 and 65535")
        }
        guard timeout > 0 else {
            throw ValidationError("--timeout must be positive")
        }
    }

    var server: String { "\(address):\(port)" }

    /// Runs `body` with a client, closing it afterwards and turning call
    /// errors into exit statuses: an error the server answered becomes
    /// `serverError`.
    func withClient<Result>(
        token: String? = nil,
        callTimeout: Bool = true,
        serverError: ExitStatus = .refused,
        _ body: (NanoverClient) async throws -> Result
    ) async throws -> Result {
        var configuration = NanoverClient.Configuration()
        configuration.accessToken = token
        configuration.callTimeout = callTimeout ? .seconds(timeout) : nil
        let client: NanoverClient
        do {
            client = try NanoverClient(address: address, port: port, configuration: configuration)
        } catch {
            throw CLIFailure(.unreachable, "cannot connect to \(server): \(error)")
        }
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch let error as RPCError {
            await client.close()
            throw CLIFailure.from(error, otherwise: serverError, server: server)
        } catch {
            await client.close()
            throw error
        }
    }
}
