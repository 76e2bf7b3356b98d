import Foundation
import NanoverDiscovery
import NanoverTestSupport
import Testing

/// Discovery as on a real network, with the default broadcast targets: the
/// hub in one network namespace, the client in another, joined by a veth
/// pair. The broadcasts never leave the two namespaces, which the test makes
/// and removes.
@Suite("Discovery between network namespaces")
struct DiscoveryNamespaceTests {
    @Test(
        "a hub broadcasting on its interfaces is found from another namespace, at its address there",
        .enabled(if: NamespacePair.available, "skipped: this machine does not let a test make network namespaces (needs root and `ip netns`)")
    )
    func broadcastAcrossNamespaces() async throws {
        let ip = try #require(NamespacePair.ip)
        let namespaces = try NamespacePair()
        defer { namespaces.remove() }

        // Listening on every interface: advertised at its veth address.
        let hub = try RunningProgram(executable: ip, namespaces.inside(namespaces.hubSide, Programs.url("nanover-server"), [
            "--address", "0.0.0.0", "--port", "0", "--discovery", "--name", "Namespace hub",
        ]))
        let line = await hub.waitForLine("the hub says where it listens") { $0.contains("listening on") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0) }, "\(hub.errors)")

        // Found by name and reached over the veth pair: 192.0.2.1 is the
        // only address of the hub that the client's side can reach.
        let found = try await run(executable: ip, namespaces.inside(namespaces.clientSide, Programs.url("nanover"), [
            "state", "set", "crossed=true", "--discover", "Namespace hub", "--discovery-seconds", "120",
        ]))
        #expect(found.status == 0, "\(found.errors)")

        let listing = try await run(executable: ip, namespaces.inside(namespaces.clientSide, Programs.url("nanover"), [
            "discover", "--json", "--seconds", "2",
        ]))
        #expect(listing.status == 0, "\(listing.errors)")
        let heard = try listing.output.split(separator: "\n").map { try HubDescription(json: Array($0.utf8)) }
        #expect(heard.map(\.name) == ["Namespace hub"])
        #expect(heard.first?.address == NamespacePair.hubAddress)
        #expect(heard.first?.services["trajectory"] == port)

        hub.signal(SIGTERM)
        #expect(await hub.exitStatus() == 0)
        namespaces.remove()
        let left = try NamespacePair.names()
        #expect(!left.contains(namespaces.hubSide) && !left.contains(namespaces.clientSide))
    }
}
