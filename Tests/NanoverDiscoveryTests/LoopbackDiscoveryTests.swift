import NanoverCore
import NanoverDiscovery
import NanoverTestSupport
import Testing

/// A sender and a listener talking over 127.0.0.1.
@Suite("Discovery over the loopback")
struct LoopbackDiscoveryTests {
    private let hubServices = ["multiplayer": 38801, "trajectory": 38801, "imd": 38801]

    @Test("a hub advertised to 127.0.0.1 is heard with its whole description, once per search however often it is sent")
    func heardOncePerSearch() async throws {
        let hub = try HubDescription(name: "Lab", address: "192.0.2.7", services: hubServices, extraFields: ["port": 38801])
        let listener = try await Loopback.listener()
        let once = listener.hubs()
        let every = listener.announcements()
        let repeats = try await Loopback.advertising([hub], to: listener.port) {
            await every.collect { $0.count == 3 }
        }
        await listener.close()
        let heard = await once.all()
        #expect(repeats.map(\.advertised) == [hub, hub, hub])
        #expect(heard.map(\.advertised) == [hub])
        #expect(heard.first?.sender == "127.0.0.1")
        #expect(heard.first?.host == "192.0.2.7")
        #expect(listener.skippedDatagrams == 0)
    }

    @Test("names with non-ASCII characters arrive intact")
    func nonASCIIName() async throws {
        let hub = try HubDescription(name: "Café ✓ 分子 🧪", address: "192.0.2.7")
        let listener = try await Loopback.listener()
        let heard = try await Loopback.advertising([hub], to: listener.port) {
            await listener.hubs().collect { !$0.isEmpty }
        }
        await listener.close()
        #expect(heard.first?.name == "Café ✓ 分子 🧪")
    }

    @Test("two hubs at once, from one sender or two, are each heard")
    func twoHubsAtOnce() async throws {
        let first = try HubDescription(name: "First", address: "192.0.2.7", services: hubServices)
        let second = try HubDescription(name: "Second", address: "192.0.2.7", services: ["ws": 38802])
        let third = try HubDescription(name: "Second", address: "192.0.2.8", services: hubServices)
        let listener = try await Loopback.listener()
        let heard = try await Loopback.advertising([first, second], to: listener.port) {
            try await Loopback.advertising([third], to: listener.port) {
                await listener.hubs().collect { $0.count == 3 }
            }
        }
        await listener.close()
        #expect(Set(heard.map(\.advertised)) == [first, second, third])
    }

    @Test("a hub listening on every interface, sent to 127.0.0.1, is advertised at 127.0.0.1")
    func wildcardAddressSubstituted() async throws {
        let hub = try HubDescription(name: "Everywhere", address: "[::]", services: hubServices)
        let listener = try await Loopback.listener()
        let heard = try await Loopback.advertising([hub], to: listener.port) {
            await listener.hubs().collect { !$0.isEmpty }
        }
        await listener.close()
        #expect(heard.first?.advertised.address == "127.0.0.1")
        #expect(heard.first?.advertised.id == hub.id)
        #expect(heard.first?.endpoint(of: "trajectory")?.host == "127.0.0.1")
    }

    @Test("malformed and oversized datagrams are skipped and counted; the listener goes on")
    func malformedSkipped() async throws {
        let valid = try HubDescription(name: "Valid", address: "192.0.2.7")
        let oversized = Array(#"{"name": "\#(String(repeating: "n", count: ESSD.maximumMessageBytes))", "address": "192.0.2.7"}"#.utf8)
        let junk: [[UInt8]] = [
            Array("hello".utf8),
            [0xFF, 0xFE, 0x00],
            Array("[1, 2, 3]".utf8),
            Array(#"{"name": "No address"}"#.utf8),
            Array(#"{"name": "Bad port", "address": "192.0.2.7", "services": {"ws": -1}}"#.utf8),
            [],
            oversized,
            Array(repeating: UInt8(ascii: "{"), count: 4000),
        ]
        let listener = try await Loopback.listener()
        let search = listener.hubs()
        try await Loopback.send(junk + [valid.json], to: listener.port)
        let heard = await search.collect { !$0.isEmpty }
        await waitUntil("every bad datagram is counted") { listener.skippedDatagrams == junk.count }
        await listener.close()
        #expect(heard.map(\.advertised) == [valid])
        #expect(listener.skippedDatagrams == junk.count)
    }

    @Test("a hub that stops advertising is no longer heard, while one that goes on is")
    func stopsAdvertising() async throws {
        let staying = try HubDescription(name: "Staying", address: "192.0.2.7")
        let leaving = try HubDescription(name: "Leaving", address: "192.0.2.8")
        let first = try await Loopback.listener()
        let port = first.port
        try await Loopback.advertising([staying], to: port) {
            let both = try await Loopback.advertising([leaving], to: port) {
                await first.hubs().collect { $0.count == 2 }
            }
            #expect(Set(both.map(\.name)) == ["Staying", "Leaving"])
            // The leaving hub's sender has returned: it sends nothing more.
            // A fresh socket on the same port holds nothing sent before.
            await first.close()
            let second = try await DiscoveryListener.start(port: port, host: "127.0.0.1")
            let later = await second.announcements().collect { heard in heard.filter { $0.name == "Staying" }.count == 4 }
            await second.close()
            #expect(!later.contains { $0.name == "Leaving" })
        }
    }

    @Test("a search ends after its time, and a listener's close ends the searches still running")
    func searchesEnd() async throws {
        let listener = try await Loopback.listener()
        #expect(await listener.hubs(within: .milliseconds(100)).all().isEmpty)
        #expect(await listener.firstHub(named: "Nobody", within: .milliseconds(100)) == nil)
        let endless = listener.hubs()
        await listener.close()
        #expect(await endless.all().isEmpty)
        #expect(await listener.hubs().all().isEmpty)
    }

    @Test("the first hub of a name, or offering a service, is picked")
    func firstHubChoice() async throws {
        let grpc = try HubDescription(name: "Old", address: "192.0.2.7", services: hubServices)
        let webSocket = try HubDescription(name: "New", address: "192.0.2.8", services: ["ws": 38802])
        let listener = try await Loopback.listener()
        let (named, offering) = try await Loopback.advertising([grpc, webSocket], to: listener.port) {
            async let named = listener.firstHub(named: "New", within: .seconds(120))
            async let offering = listener.firstHub(offering: "trajectory", within: .seconds(120))
            return await (named, offering)
        }
        await listener.close()
        #expect(named?.advertised == webSocket)
        #expect(named?.webSocketURL == "ws://192.0.2.8:38802")
        #expect(offering?.advertised == grpc)
        #expect(offering?.webSocketURL == nil)
    }
}
