/// The constants of ESSD, "Extremely Simple Service Discovery": how NanoVer
/// hubs make themselves known on a local network. A hub sends a small JSON
/// description of itself (``HubDescription``) in one UDP datagram over IPv4,
/// every half second, to the broadcast address of each network it is on
/// (``DiscoverySender``); clients listen on one port and list what they hear
/// (``DiscoveryListener``).
public enum ESSD {
    /// The UDP port hubs send to and clients listen on.
    public static let port = 54545
    /// How often a hub sends its description to each target.
    public static let interval: Duration = .milliseconds(500)
    /// The ESSD version a description says it follows.
    public static let version = "1.0.0"
    /// The largest description, in bytes of UTF-8 JSON: a longer one is
    /// refused when it is built, and a listener ignores longer datagrams.
    public static let maximumMessageBytes = 1024
    /// The services a gRPC-era hub lists, all on its one port.
    public static let grpcServices = ["multiplayer", "trajectory", "imd"]
    /// The service a NanoVer 2026 hub lists for its WebSocket port.
    public static let webSocketService = "ws"
}
