import ArgumentParser
import NanoverDiscovery

/// Where to listen for hubs on the local network (ESSD).
struct DiscoveryOptions: ParsableArguments {
    @Option(help: "UDP port to listen on for hubs.")
    var discoveryPort = ESSD.port

    func validate() throws {
        guard (1...65535).contains(discoveryPort) else {
            throw ValidationError("--discovery-port must be between 1 and 65535")
        }
    }

    /// Starts listening; a port that cannot be bound is `unreachable`.
    func listen() async throws -> DiscoveryListener {
        do {
            return try await DiscoveryListener.start(port: discoveryPort)
        } catch {
            throw CLIFailure(.unreachable, "cannot listen for hubs on UDP port \(discoveryPort): \(error)")
        }
    }

    /// The first hub named `name` heard within `seconds`; none is
    /// `unreachable`.
    func first(named name: String, seconds: Double) async throws -> DiscoveredHub {
        let listener = try await listen()
        let hub = await listener.firstHub(named: name, within: .seconds(seconds))
        await listener.close()
        guard let hub else {
            throw CLIFailure(.unreachable, "\(DiscoveryError.noHubFound(name: name, seconds: seconds)) on UDP port \(discoveryPort)")
        }
        return hub
    }
}

/// A number of seconds to listen, checked.
func validateSeconds(_ seconds: Double, option: String) throws {
    guard seconds > 0, seconds.isFinite else {
        throw ValidationError("\(option) must be a positive number")
    }
}
