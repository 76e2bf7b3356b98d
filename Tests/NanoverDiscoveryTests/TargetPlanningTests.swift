@testable import NanoverDiscovery
import Testing

/// Where descriptions go, worked out from made-up interfaces: nothing is
/// sent.
@Suite("Discovery targets")
struct TargetPlanningTests {
    private let loopback = InterfaceAddress(name: "lo", address: IPv4Address("127.0.0.1")!, netmask: IPv4Address("255.0.0.0")!, broadcast: nil)
    private let wired = InterfaceAddress(name: "eth0", address: IPv4Address("192.0.2.7")!, netmask: IPv4Address("255.255.255.0")!, broadcast: IPv4Address("192.0.2.255")!)
    private let wireless = InterfaceAddress(name: "wlan0", address: IPv4Address("198.51.100.20")!, netmask: IPv4Address("255.255.254.0")!, broadcast: IPv4Address("198.51.101.255")!)
    private let tunnel = InterfaceAddress(name: "tun0", address: IPv4Address("203.0.113.1")!, netmask: IPv4Address("255.255.255.255")!, broadcast: nil)

    private var interfaces: [InterfaceAddress] { [loopback, wired, wireless, tunnel] }

    private func plan(_ address: String) -> [String] {
        TargetPlanning.broadcastDestinations(hubAddress: address, interfaces: interfaces)
            .map { "\($0.target) as \($0.advertisedAddress)" }
    }

    @Test("a hub on every interface goes to each broadcast address, advertised with that interface's own address", arguments: ["[::]", "::", "0.0.0.0"])
    func everyInterface(address: String) {
        #expect(plan(address) == ["192.0.2.255 as 192.0.2.7", "198.51.101.255 as 198.51.100.20"])
    }

    @Test("a hub bound to one address goes only to that address's network, advertised as bound")
    func oneAddress() {
        #expect(plan("192.0.2.7") == ["192.0.2.255 as 192.0.2.7"])
        #expect(plan("198.51.101.3") == ["198.51.101.255 as 198.51.101.3"])
        #expect(plan("203.0.113.1") == [])
    }

    @Test("a hub on the loopback goes to its own address, which only this machine reaches")
    func loopbackHub() {
        #expect(plan("127.0.0.1") == ["127.0.0.1 as 127.0.0.1"])
        #expect(plan("localhost") == ["127.0.0.1 as 127.0.0.1"])
    }

    @Test("a host name or an IPv6 address names no IPv4 network: nothing to broadcast to")
    func noNetwork() {
        #expect(plan("lab.example") == [])
        #expect(plan("2001:db8::1") == [])
    }

    @Test("with no interface that has a broadcast address there is nothing to send to")
    func noBroadcastInterface() {
        #expect(TargetPlanning.broadcastDestinations(hubAddress: "[::]", interfaces: [loopback, tunnel]).isEmpty)
    }

    @Test("dotted quads only")
    func parsing() {
        #expect(IPv4Address("192.0.2.1")?.value == 0xC000_0201)
        #expect(IPv4Address("192.0.2.1")?.description == "192.0.2.1")
        for text in ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "a.b.c.d", "1.2.3.-4", "1.2.3.4 ", "0001.2.3.4", "१.2.3.4"] {
            #expect(IPv4Address(text) == nil, "\(text)")
        }
    }

    @Test("explicit targets must be IPv4 addresses, the port a UDP port, the interval positive")
    func explicitTargets() {
        var configuration = DiscoverySender.Configuration()
        configuration.targets = .addresses(["127.0.0.1", "lab.example"])
        #expect(throws: DiscoveryError.invalidTarget("lab.example")) { try DiscoverySender(advertising: [], configuration: configuration) }
        configuration.targets = .addresses(["127.0.0.1"])
        configuration.port = 0
        #expect(throws: DiscoveryError.invalidPort(0)) { try DiscoverySender(advertising: [], configuration: configuration) }
        configuration.port = ESSD.port
        configuration.interval = .zero
        #expect(throws: DiscoveryError.invalidInterval(.zero)) { try DiscoverySender(advertising: [], configuration: configuration) }
    }
}
