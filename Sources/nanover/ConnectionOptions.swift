import ArgumentParser
import GRPCCore
import NanoverCore
import NanoverDiscovery
import NanoverGRPC

/// Where the server is, for every subcommand: an address and port, or a
/// hub name to find on the local network.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Address of the NanoVer server. (default: localhost)")
    var address: String?

    @Option(help: "Port of the NanoVer server. (default: \(NanoverServer.defaultPort))")
    var port: Int?

    @Option(help: ArgumentHelp("Find the server by its name on the local network (ESSD discovery), instead of --address and --port.", valueName: "name"))
    var discover: String?

    @Option(help: "With --discover: seconds to listen for the hub.")
    var discoverySeconds: Double = 2

    @OptionGroup var discovery: DiscoveryOptions

    @Option(help: "Seconds to wait for each call before giving up.")
    var timeout: Double = 10

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--port must be between 1 and 65535")
        }
        if discover != nil, address != nil || port != nil {
            throw ValidationError("--discover finds the address and port: give it or them, not both")
        }
        try validateSeconds(discoverySeconds, option: "--discovery-seconds")
        guard timeout > 0 else {
            throw ValidationError("--timeout must be positive")
        }
    }

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
        let client = try await connect(configuration)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch let error as RPCError {
            await client.close()
            throw CLIFailure.from(error, otherwise: serverError, server: client.server)
        } catch {
            await client.close()
            throw error
        }
    }

    private func connect(_ configuration: NanoverClient.Configuration) async throws -> NanoverClient {
        if let discover {
            let hub = try await discovery.first(named: discover, seconds: discoverySeconds)
            do {
                return try NanoverClient(discovered: hub, configuration: configuration)
            } catch {
                throw CLIFailure(.unreachable, "cannot connect to \"\(discover)\": \(error)")
            }
        }
        let address = address ?? "localhost", port = port ?? NanoverServer.defaultPort
        do {
            return try NanoverClient(address: address, port: port, configuration: configuration)
        } catch {
            throw CLIFailure(.unreachable, "cannot connect to \(address):\(port): \(error)")
        }
    }
}

extension NanoverClient {
    /// The server's address and port, for messages.
    var server: String { "\(connection.address):\(connection.port)" }
}
