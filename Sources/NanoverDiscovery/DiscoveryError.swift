import Foundation

/// Why discovery cannot start or did not find a hub.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A target that is not an IPv4 address.
    case invalidTarget(String)
    /// A port outside 1...65535 (0 for a listener, which lets the system
    /// choose).
    case invalidPort(Int)
    /// A time between rounds that is not positive.
    case invalidInterval(Duration)
    /// No hub (or none of that name) was heard in the time searched.
    case noHubFound(name: String?, seconds: Double)
    /// The hub found offers none of the services wanted.
    case serviceMissing(hub: String, wanted: [String])

    public var description: String {
        switch self {
        case .invalidTarget(let text):
            "\"\(text)\" is not an IPv4 address"
        case .invalidPort(let port):
            "\(port) is not a UDP port"
        case .invalidInterval(let interval):
            "an interval of \(interval) is not positive"
        case .noHubFound(let name?, let seconds):
            "no hub named \"\(name)\" heard in \(seconds.formatted()) s"
        case .noHubFound(nil, let seconds):
            "no hub heard in \(seconds.formatted()) s"
        case .serviceMissing(let hub, let wanted):
            "hub \"\(hub)\" offers none of \(wanted.joined(separator: ", "))"
        }
    }
}
