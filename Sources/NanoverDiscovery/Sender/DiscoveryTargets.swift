/// Where a ``DiscoverySender`` sends its hubs' descriptions.
public enum DiscoveryTargets: Sendable, Hashable {
    /// The broadcast address of each of the machine's IPv4 interfaces that
    /// has one, found from the system's interface list and followed as it
    /// changes. A hub bound to one address uses only the interfaces of that
    /// address's network; a hub bound to a loopback address (or
    /// `localhost`), which only this machine can reach, is sent to that
    /// address itself.
    case broadcast
    /// These IPv4 addresses (unicast or broadcast), in place of the
    /// broadcast ones: `127.0.0.1` keeps discovery on this machine.
    case addresses([String])
}

/// One datagram destination of a hub, and the address the hub is
/// advertised as there.
struct Destination: Hashable, Sendable {
    let target: IPv4Address
    let advertisedAddress: String
}

/// Where a hub's descriptions go, worked out from its address and the
/// machine's interfaces: no sockets, so that it can be checked with made-up
/// interfaces.
enum TargetPlanning {
    /// The destinations of a hub listening on `hubAddress`, sent to the
    /// broadcast addresses of `interfaces`.
    static func broadcastDestinations(hubAddress: String, interfaces: [InterfaceAddress]) -> [Destination] {
        let broadcasting = interfaces.filter { $0.broadcast != nil }
        let destinations: [Destination]
        if HubDescription.everywhere.contains(hubAddress) {
            // Each network hears the address the hub has on it.
            destinations = broadcasting.map { Destination(target: $0.broadcast!, advertisedAddress: $0.address.description) }
        } else if let loopback = loopbackAddress(hubAddress) {
            destinations = [Destination(target: loopback, advertisedAddress: loopback.description)]
        } else if let bound = IPv4Address(hubAddress) {
            destinations = broadcasting.filter { $0.sharesNetwork(with: bound) }
                .map { Destination(target: $0.broadcast!, advertisedAddress: hubAddress) }
        } else {
            // A host name or an IPv6 address: no IPv4 network to pick.
            destinations = []
        }
        return unique(destinations)
    }

    /// The address to advertise a hub listening on `hubAddress` as, to
    /// clients that reach this machine at `local`.
    static func advertisedAddress(hubAddress: String, local: IPv4Address) -> String {
        if HubDescription.everywhere.contains(hubAddress) { return local.description }
        return loopbackAddress(hubAddress)?.description ?? hubAddress
    }

    /// The IPv4 loopback address a hub address names, if it names one:
    /// `localhost` is `127.0.0.1`.
    static func loopbackAddress(_ hubAddress: String) -> IPv4Address? {
        if hubAddress == "localhost" { return .loopback }
        guard let address = IPv4Address(hubAddress), address.isLoopback else { return nil }
        return address
    }

    static func unique(_ destinations: [Destination]) -> [Destination] {
        var seen = Set<Destination>()
        return destinations.filter { seen.insert($0).inserted }
    }
}
