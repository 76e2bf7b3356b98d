import Logging
import NanoverDiscovery
import ServiceLifecycle

/// Advertises the hub on the local network under the service group, until
/// a graceful shutdown, which it answers first: the hub stops saying it is
/// there before it stops serving.
struct DiscoveryService: Service {
    let sender: DiscoverySender

    /// The service advertising `hub` to `targets` (or, with none, the
    /// broadcast addresses) on `port`.
    init(hub: HubDescription, targets: [String], port: Int, logger: Logger) throws {
        sender = try DiscoverySender(advertising: [hub], configuration: Self.configuration(targets: targets, port: port, logger: logger))
    }

    /// The description of a hub named `name` listening on `address`, with
    /// its gRPC port and, when the WebSocket listener is on, its 2026 port.
    static func hub(name: String, address: String, grpcPort: Int, webSocketPort: Int?) throws -> HubDescription {
        var services = Dictionary(uniqueKeysWithValues: ESSD.grpcServices.map { ($0, grpcPort) })
        services[ESSD.webSocketService] = webSocketPort
        // `port`, the gRPC port, as the reference's gRPC-era hubs add it.
        return try HubDescription(name: name, address: address, services: services, extraFields: ["port": .int(Int64(grpcPort))])
    }

    /// The sender's settings: explicit targets, or the broadcast addresses
    /// when there are none.
    static func configuration(targets: [String], port: Int, logger: Logger) -> DiscoverySender.Configuration {
        var configuration = DiscoverySender.Configuration()
        configuration.targets = targets.isEmpty ? .broadcast : .addresses(targets)
        configuration.port = port
        configuration.logger = logger
        return configuration
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await sender.run()
        }
    }
}
