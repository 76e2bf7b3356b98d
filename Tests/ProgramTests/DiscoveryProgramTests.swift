import Foundation
import NanoverCore
import NanoverDiscovery
import NanoverTestSupport
import Testing

/// `nanover-server --discovery` and `nanover discover` / `--discover`, kept
/// on this machine: the hub sends to 127.0.0.1 only, on a port the system
/// had free.
@Suite("Discovery programs")
struct DiscoveryProgramTests {
    /// A UDP port nothing listens on now.
    private func freePort() async throws -> Int {
        let probe = try await DiscoveryListener.start(port: 0, host: "127.0.0.1")
        await probe.close()
        return probe.port
    }

    private func discoveryArguments(_ name: String, port: Int) -> [String] {
        ["--discovery", "--discovery-target", "127.0.0.1", "--discovery-port", String(port), "--name", name]
    }

    @Test("a hub started with --discovery advertises its gRPC and WebSocket ports, and nanover finds it by name")
    func advertisedAndFound() async throws {
        let port = try await freePort()
        let name = "Program hub ✓"
        let listener = try await DiscoveryListener.start(port: port, host: "127.0.0.1")
        let search = listener.hubs()
        let server = try await ServerProcess.start(["--ws-port", "0"] + discoveryArguments(name, port: port))
        let webSocketLine = await server.program.waitForLine("the WebSocket line") { $0.hasPrefix("NanoVer 2026") }
        let webSocketPort = try #require(webSocketLine?.split(separator: ":").last.flatMap { Int($0) })

        let heard = try #require(await search.collect { !$0.isEmpty }.first)
        // Closed before the programs listen: datagrams sent to one port are
        // shared out among the sockets bound to it, not copied to each.
        await listener.close()
        #expect(heard.name == name)
        #expect(heard.advertised.address == "127.0.0.1")
        #expect(heard.advertised.essdVersion == "1.0.0")
        #expect(heard.services == ["multiplayer": server.port, "trajectory": server.port, "imd": server.port, "ws": webSocketPort])
        #expect(heard.advertised.extraFields == ["port": .int(Int64(server.port))])

        let listing = try await run("nanover", ["discover", "--json", "--seconds", "3", "--discovery-port", String(port)])
        #expect(listing.status == 0, "\(listing.errors)")
        let described = try listing.output.split(separator: "\n").map { try HubDescription(json: Array($0.utf8)) }
        #expect(described.map(\.id) == [heard.advertised.id])
        let text = try await run("nanover", ["discover", "--seconds", "3", "--discovery-port", String(port)])
        #expect(text.output == "\"\(name)\" at 127.0.0.1: imd \(server.port), multiplayer \(server.port), trajectory \(server.port), ws \(webSocketPort)\n")

        let discovered = ["--discover", name, "--discovery-port", String(port), "--discovery-seconds", "120"]
        #expect(try await run("nanover", ["state", "set", "found=1"] + discovered).status == 0)
        let state = try await run("nanover", ["state", "get", "found"] + discovered)
        #expect(state.status == 0, "\(state.errors)")
        #expect(try NanoverJSON.value(from: state.output) == ["found": 1])
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("discovered-\(UUID().uuidString)").path
        defer { for suffix in [".traj", ".state"] { try? FileManager.default.removeItem(atPath: prefix + suffix) } }
        let recorded = try await run("nanover", ["record", prefix, "--seconds", "0.5"] + discovered)
        #expect(recorded.status == 0, "\(recorded.errors)")
        #expect(try NanoverJSON.value(from: recorded.output)["state"] == .string(prefix + ".state"))
        #expect(await server.stop() == 0)
    }

    @Test("a hub stopped with SIGTERM stops advertising, while another goes on")
    func stoppedHubGoesQuiet() async throws {
        let port = try await freePort()
        let leaving = try await ServerProcess.start(discoveryArguments("Leaving", port: port))
        let staying = try await ServerProcess.start(discoveryArguments("Staying", port: port))
        let first = try await DiscoveryListener.start(port: port, host: "127.0.0.1")
        #expect(Set(await first.hubs().collect { $0.count == 2 }.map(\.name)) == ["Leaving", "Staying"])
        #expect(await leaving.stop() == 0)
        // A fresh socket holds nothing sent before the hub stopped.
        await first.close()
        let second = try await DiscoveryListener.start(port: port, host: "127.0.0.1")
        let later = await second.announcements().collect { heard in heard.filter { $0.name == "Staying" }.count == 4 }
        await second.close()
        #expect(!later.contains { $0.name == "Leaving" })
        #expect(await staying.stop() == 0)
    }

    @Test("no hub of that name: exit status 3 and one line saying so; nanover discover says it heard none")
    func nothingHeard() async throws {
        let port = String(try await freePort())
        let missing = try await run("nanover", ["state", "get", "--discover", "Nobody", "--discovery-port", port, "--discovery-seconds", "0.2"])
        #expect(missing.status == 3)
        #expect(missing.errors == "nanover: no hub named \"Nobody\" heard in 0.2 s on UDP port \(port)\n")
        let listing = try await run("nanover", ["discover", "--seconds", "0.2", "--discovery-port", port])
        #expect(listing.status == 0)
        #expect(listing.output.isEmpty)
        #expect(listing.errors.contains("no hub heard"))
    }

    @Test("usage errors: --discover with --address or --port, discovery options without --discovery, a target that is not IPv4")
    func usageErrors() async throws {
        let both = try await run("nanover", ["state", "get", "--discover", "Lab", "--port", "38801"])
        #expect(both.status == 2)
        #expect(both.errors.contains("--discover"))
        let targetAlone = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--discovery-target", "127.0.0.1"])
        #expect(targetAlone.status != 0)
        #expect(targetAlone.errors.contains("need --discovery"))
        let hostName = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--discovery", "--discovery-target", "lab.example"])
        #expect(hostName.status != 0)
        #expect(hostName.errors.contains("not an IPv4 address"))
        let longName = try await run("nanover-server", ["--address", "127.0.0.1", "--port", "0", "--discovery", "--discovery-target", "127.0.0.1", "--name", String(repeating: "n", count: 1100)])
        #expect(longName.status != 0)
        #expect(longName.errors.contains("limit of 1024"))
    }
}
