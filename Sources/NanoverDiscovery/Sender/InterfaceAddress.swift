import NIOCore

/// One IPv4 address of one of the machine's network interfaces, as far as
/// discovery cares: the address, its network's mask and, for interfaces
/// that have one, the broadcast address.
struct InterfaceAddress: Hashable, Sendable {
    /// The interface's name (`eth0`), for logs.
    let name: String
    let address: IPv4Address
    let netmask: IPv4Address
    let broadcast: IPv4Address?

    /// Whether `other` is on this address's network.
    func sharesNetwork(with other: IPv4Address) -> Bool {
        address.value & netmask.value == other.value & netmask.value
    }

    /// The IPv4 addresses of the machine's interfaces now, from the
    /// system's interface list, in its order.
    static func current() throws -> [InterfaceAddress] {
        try System.enumerateDevices().compactMap { device in
            guard let address = IPv4Address(device.address), let netmask = IPv4Address(device.netmask) else {
                return nil
            }
            return InterfaceAddress(name: device.name, address: address, netmask: netmask, broadcast: IPv4Address(device.broadcastAddress))
        }
    }
}
