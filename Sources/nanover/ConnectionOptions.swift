import ArgumentParser
import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverWebSocket

/// Where the server is, for every subcommand.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Address of the NanoVer server.")
    var address = "localhost"

    @Option(help: "Port of the NanoVer server.")
    var port = NanoverServer.defaultPort

    @Option(help: "URL of a NanoVer 2026 server, ws://HOST:PORT: speak WebSocket + MessagePack instead of gRPC (--address and --port are then unused).")
    var url: String?

    @Option(help: "Seconds to wait for each call before giving up.")
    var timeout: Double = 10

    func validate() throws {
        guard (1...65535).contains(port) else {
            throw ValidationError("--port must be between 1 and 65535")
        }
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

    var server: String { url ?? "\(address):\(port)" }

    /// Fails with a usage error when `--url` is given: for what the 2026
    /// protocol does not have, saying `what`.
    func requireGRPC(_ what: String) throws {
        if url != nil {
            throw CLIFailure(.usage, "\(what) not part of the NanoVer 2026 protocol (--url)")
        }
    }

    /// Runs `body` with a client of the server's protocol: the 2026 client
    /// with `--url`, else gRPC. See ``withClient(token:callTimeout:serverError:_:)``.
    func withSession<Result>(
        token: String? = nil,
        callTimeout: Bool = true,
        serverError: ExitStatus = .refused,
        _ body: (any SessionClient) async throws -> Result
    ) async throws -> Result {
        guard let url else {
            return try await withClient(token: token, callTimeout: callTimeout, serverError: serverError) { client in
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

    /// Runs `body` with a gRPC client, closing it afterwards and turning
    /// call errors into exit statuses: an error the server answered becomes
    /// `serverError`.
    func withClient<Result>(
        token: String? = nil,
        callTimeout: Bool = true,
        serverError: ExitStatus = .refused,
        _ body: (NanoverClient) async throws -> Result
    ) async throws -> Result {
        try requireGRPC("this command is")
        var configuration = NanoverClient.Configuration()
        configuration.accessToken = token
        configuration.callTimeout = callTimeout ? .seconds(timeout) : nil
        let client: NanoverClient
        do {
            client = try NanoverClient(address: address, port: port, configuration: configuration)
        } catch {
            throw CLIFailure(.unreachable, "cannot connect to \(server): \(error)")
        }
        return try await using(client, body) { error in
            (error as? RPCError).map { CLIFailure.from($0, otherwise: serverError, server: server) }
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
