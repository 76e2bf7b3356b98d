import ArgumentParser
import GRPCCore
import NanoverCore
import NanoverDiscovery
import NanoverGRPC
import NanoverWebSocket

/// Where the server is, for every subcommand: an address and port (gRPC), a
/// 2026 server's URL, or a hub name to find on the local network.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Address of the NanoVer server. (default: localhost)")
    var address: String?

    @Option(help: "Port of the NanoVer server. (default: \(NanoverServer.defaultPort))")
    var port: Int?

    @Option(help: "URL of a NanoVer 2026 server, ws://HOST:PORT: speak WebSocket + MessagePack instead of gRPC.")
    var url: String?

    @Option(help: ArgumentHelp("Find the server by its name on the local network (ESSD discovery), instead of --address and --port; a hub that offers only the 2026 protocol is reached over it.", valueName: "name"))
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
        if discover != nil, address != nil || port != nil || url != nil {
            throw ValidationError("--discover finds the address and port: give it or them, not both")
        }
        if url != nil, address != nil || port != nil {
            throw ValidationError("--url gives the address and port: give it or them, not both")
        }
        try validateSeconds(discoverySeconds, option: "--discovery-seconds")
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be positive")
        }
        if let url {
            do {
                _ = try WebSocketEndpoint(url: url)
            } catch {
                throw ValidationError("--url: \(error)")
            }
        }
    }

    /// The server as given, for messages.
    var server: String {
        url ?? discover.map { "\"\($0)\"" } ?? "\(address ?? "localhost"):\(port ?? NanoverServer.defaultPort)"
    }

    /// Fails with a usage error when `--url` is given: for what the 2026
    /// protocol does not have, saying `what`.
    func requireGRPC(_ what: String) throws {
        if url != nil {
            throw CLIFailure(.usage, "\(what) not part of the NanoVer 2026 protocol (--url)")
        }
    }

    /// Runs `body` with a client of the server's protocol: the 2026 client
    /// with `--url` (or for a discovered hub that offers only that), else
    /// gRPC. See ``withClient(token:callTimeout:serverError:_:)``.
    func withSession<Result>(
        token: String? = nil,
        callTimeout: Bool = true,
        serverError: ExitStatus = .refused,
        _ body: (any SessionClient) async throws -> Result
    ) async throws -> Result {
        let (url, discovered) = try await chosenServer()
        guard let url else {
            return try await withClient(token: token, callTimeout: callTimeout, serverError: serverError, discovered: discovered) { client in
                try await body(client)
            }
        }
        if token != nil {
            throw CLIFailure(.usage, "access tokens are not part of the NanoVer 2026 protocol (--url): leave out --token")
        }
        var configuration = NanoverWebSocketClient.Configuration()
        configuration.connectTimeout = .seconds(timeout)
        configuration.callTimeout = callTimeout ? .seconds(timeout) : nil
        let client: NanoverWebSocketClient
        do {
            client = try await NanoverWebSocketClient.connect(to: url, configuration: configuration)
        } catch {
            throw CLIFailure.from(error, otherwise: serverError, server: url)
        }
        return try await using(client, body) { error in
            (error as? NanoverWebSocketClientError).map { CLIFailure.from($0, otherwise: serverError, server: url) }
        }
    }

    /// The server to reach: a 2026 server's URL (`--url`, or a discovered
    /// hub that offers only that protocol), else nil for gRPC, with the hub
    /// `--discover` found, if it was given.
    func chosenServer() async throws -> (url: String?, discovered: DiscoveredHub?) {
        guard let discover else { return (url, nil) }
        let hub = try await discovery.first(named: discover, seconds: discoverySeconds)
        if !ESSD.grpcServices.contains(where: { hub.services[$0] != nil }), let webSocket = hub.webSocketURL {
            return (webSocket, nil)
        }
        return (nil, hub)
    }

    /// Runs `body` with a gRPC client, closing it afterwards and turning
    /// call errors into exit statuses: an error the server answered becomes
    /// `serverError`.
    func withClient<Result>(
        token: String? = nil,
        callTimeout: Bool = true,
        serverError: ExitStatus = .refused,
        _ body: (NanoverClient) async throws -> Result
    ) async throws -> Result {
        try await withClient(token: token, callTimeout: callTimeout, serverError: serverError, discovered: nil, body)
    }

    /// As ``withClient(token:callTimeout:serverError:_:)``, for the hub
    /// `--discover` found already (nil: look, or use `--address`).
    func withClient<Result>(
        token: String? = nil, callTimeout: Bool = true, serverError: ExitStatus = .refused, discovered: DiscoveredHub?,
        _ body: (NanoverClient) async throws -> Result
    ) async throws -> Result {
        try requireGRPC("this command is")
        var configuration = NanoverClient.Configuration()
        configuration.accessToken = token
        configuration.callTimeout = callTimeout ? .seconds(timeout) : nil
        let client = try await connect(configuration, discovered: discovered)
        return try await using(client, body) { error in
            (error as? RPCError).map { CLIFailure.from($0, otherwise: serverError, server: client.server) }
        }
    }

    private func connect(_ configuration: NanoverClient.Configuration, discovered: DiscoveredHub?) async throws -> NanoverClient {
        if let discover {
            let hub: DiscoveredHub
            if let discovered {
                hub = discovered
            } else {
                hub = try await discovery.first(named: discover, seconds: discoverySeconds)
            }
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

    /// Runs `body` with `client` and closes it afterwards, turning an
    /// error `failure` knows into its exit status.
    private func using<Client: SessionClient, Result>(
        _ client: Client, _ body: (Client) async throws -> Result, failure: (any Error) -> CLIFailure?
    ) async throws -> Result {
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw failure(error) ?? error
        }
    }
}

extension NanoverClient {
    /// The server's address and port, for messages.
    var server: String { "\(connection.address):\(connection.port)" }
}
