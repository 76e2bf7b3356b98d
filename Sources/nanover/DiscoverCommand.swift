import ArgumentParser
import NanoverCore
import NanoverDiscovery

struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "List the hubs advertising themselves on the local network (ESSD): name, address, services.",
        discussion: """
            Listens for --seconds and prints each hub once, as it is heard: its name, the address \
            to connect to and its services with their ports, or with --json its whole description \
            as one JSON line. Connect to one by name with --discover NAME on any other command.
            """
    )

    @Option(help: "Seconds to listen.")
    var seconds: Double = 2

    @Flag(help: "Print each hub's description as one line of JSON.")
    var json = false

    @OptionGroup var discovery: DiscoveryOptions

    func validate() throws {
        try validateSeconds(seconds, option: "--seconds")
    }

    func run() async throws {
        let listener = try await discovery.listen()
        var heard = 0
        for await hub in listener.hubs(within: .seconds(seconds)) {
            heard += 1
            do {
                try StandardOutput.writeLine(json ? String(decoding: hub.advertised.json, as: UTF8.self) : Self.line(hub))
            } catch {
                await listener.close()
                throw error
            }
        }
        await listener.close()
        if heard == 0 {
            CLIFailure(.done, "\(DiscoveryError.noHubFound(name: nil, seconds: seconds)) on UDP port \(discovery.discoveryPort)").report()
        }
    }

    /// `"Lab session" at 192.0.2.7: imd 38801, multiplayer 38801, trajectory 38801`.
    static func line(_ hub: DiscoveredHub) -> String {
        let services = hub.services.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(NanoverJSON.string(.string(hub.name))) at \(hub.host): \(services.isEmpty ? "no services" : services)"
    }
}
