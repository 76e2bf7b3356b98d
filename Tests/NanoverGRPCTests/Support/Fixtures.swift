import NanoverCore
import NanoverGRPC

/// The state the reference's client/server tests start from.
let initialState: NanoverStruct = ["hello": 100, "test": ["baby": "yoda"]]

/// How long test servers let streams finish when closed. The suite runs
/// every test at once, and on a small machine a heavy test can hold the
/// shared threads for tens of seconds; the product's one second would then
/// cut off streams that were about to end normally, which is what many
/// tests assert. Only a hang runs into this.
let testShutdownGracePeriod: Duration = .seconds(120)

/// Settings for servers under test: ``testShutdownGracePeriod``, and
/// optionally a manual clock.
func testConfiguration(clock: (any MonotonicClock)? = nil) -> NanoverServer.Configuration {
    var configuration = NanoverServer.Configuration()
    configuration.shutdownGracePeriod = testShutdownGracePeriod
    if let clock {
        configuration.clock = clock
    }
    return configuration
}

/// Settings for clients of a server known to be serving: a connection the
/// loaded machine could not make in time (NIO's 10 s connect deadline) is
/// tried again rather than failing the call, and a call waits at most
/// 120 s, which only bounds a hang.
var testClientConfiguration: NanoverClient.Configuration {
    var configuration = NanoverClient.Configuration()
    configuration.waitsForConnection = true
    configuration.callTimeout = .seconds(120)
    return configuration
}

/// A server on a free loopback port, optionally on a manual clock.
func startServer(clock: (any MonotonicClock)? = nil) async throws -> NanoverServer {
    try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: testConfiguration(clock: clock))
}

/// Runs `body` with a server holding ``initialState`` and a client connected
/// to it, and closes both afterwards.
func withClientServer(
    clock: (any MonotonicClock)? = nil,
    initial: NanoverStruct = initialState,
    _ body: (NanoverClient, NanoverServer) async throws -> Void
) async throws {
    let server = try await startServer(clock: clock)
    try server.updateState(StateChange(updates: initial))
    let client = try NanoverClient(address: "127.0.0.1", port: server.port, configuration: testClientConfiguration)
    do {
        try await body(client, server)
    } catch {
        await client.close()
        await server.close()
        throw error
    }
    await client.close()
    await server.close()
}

/// Runs `body` with a second client of the same server, closed afterwards.
func withSecondClient(
    of server: NanoverServer,
    _ body: (NanoverClient) async throws -> Void
) async throws {
    let client = try NanoverClient(address: "127.0.0.1", port: server.port, configuration: testClientConfiguration)
    do {
        try await body(client)
    } catch {
        await client.close()
        throw error
    }
    await client.close()
}
