import NanoverCore

/// A hub heard by a ``DiscoveryListener``: what it said, and where from.
public struct DiscoveredHub: Sendable, Hashable {
    /// The description the hub sent.
    public let advertised: HubDescription
    /// The IP address the datagram came from.
    public let sender: String

    /// A hub that sent `advertised` from the IP address `sender`.
    public init(advertised: HubDescription, sender: String) {
        self.advertised = advertised
        self.sender = sender
    }

    /// The hub's name, as advertised.
    public var name: String { advertised.name }
    /// The hub's services and their ports, as advertised.
    public var services: [String: Int] { advertised.services }

    /// Where to connect: the advertised address, or, when a hub advertised
    /// a wildcard that no client can connect to, the address it sent from.
    public var host: String {
        advertised.listensEverywhere ? sender : advertised.address
    }

    /// The host and port of one of the hub's services, if it offers it.
    public func endpoint(of service: String) -> (host: String, port: Int)? {
        services[service].map { (host, $0) }
    }

    /// The URL of the hub's NanoVer 2026 WebSocket service
    /// (`ws://host:port`), if it offers one: what a 2026 client connects to.
    public var webSocketURL: String? {
        endpoint(of: ESSD.webSocketService).map { endpoint in
            "ws://\(HostLiteral.bracketed(endpoint.host)):\(endpoint.port)"
        }
    }
}
