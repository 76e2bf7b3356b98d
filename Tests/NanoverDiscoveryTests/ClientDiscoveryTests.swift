import NanoverCore
import NanoverDiscovery
import NanoverGRPC
import Testing

/// `NanoverClient.discover` finding a real server by what it advertises.
@Suite("Client discovery")
struct ClientDiscoveryTests {
    @Test("a client connects to the hub of a name, or to the first offering trajectory; a 2026-only hub is refused clearly")
    func discoverServer() async throws {
        // On a pool of its own: the gRPC tests' servers share the default
        // two threads, which the suite's heaviest tests can hold for longer
        // than a client waits to connect.
        var configuration = NanoverServer.Configuration()
        configuration.threads = 1
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        try server.session.commands.register("echo") { arguments in arguments }
        let services = Dictionary(uniqueKeysWithValues: ESSD.grpcServices.map { ($0, server.port) })
        let hub = try HubDescription(name: "Swift hub", address: "127.0.0.1", services: services)
        let webSocketOnly = try HubDescription(name: "2026 hub", address: "127.0.0.1", services: ["ws": 1])
        // The port the client listens on: one the system had free.
        let probe = try await Loopback.listener()
        let port = probe.port
        await probe.close()
        try await Loopback.advertising([webSocketOnly, hub], to: port) {
            for name in ["Swift hub", nil] {
                let client = try await NanoverClient.discover(named: name, within: .seconds(120), discoveryPort: port)
                #expect(client.connection.port == server.port)
                #expect(try await client.runCommand("echo", arguments: ["x": 1]) == ["x": 1])
                await client.close()
            }
            await #expect(throws: DiscoveryError.serviceMissing(hub: "2026 hub", wanted: ESSD.grpcServices)) {
                try await NanoverClient.discover(named: "2026 hub", within: .seconds(120), discoveryPort: port)
            }
        }
        do {
            let client = try await NanoverClient.discover(named: "Nobody", within: .milliseconds(100), discoveryPort: port)
            Issue.record("found \(client.connection.address)")
            await client.close()
        } catch DiscoveryError.noHubFound(let name, _) {
            #expect(name == "Nobody")
        }
        await server.close()
    }
}
