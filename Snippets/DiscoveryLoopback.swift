// Advertise a hub with ESSD, hear it, and connect a client to it: all on 127.0.0.1, on a port the system chose.

// snippet.hide
import NanoverCore
import NanoverDiscovery
import NanoverGRPC

let server = try await NanoverServer.start(address: "127.0.0.1", port: 0)
try server.updateState(StateChange(updates: ["scene.title": "Lab session"]))

// snippet.show
// snippet.listen
// A listener on this machine only; a real one takes the defaults: UDP 54545 on every IPv4 address.
let listener = try await DiscoveryListener.start(port: 0, host: "127.0.0.1")
// snippet.end

// snippet.advertise
// The hub's description: its name, where to connect, and each service's port.
let services = Dictionary(uniqueKeysWithValues: ESSD.grpcServices.map { ($0, server.port) })
let hub = try HubDescription(name: "Lab session", address: "127.0.0.1", services: services)

var settings = DiscoverySender.Configuration()
settings.targets = .addresses(["127.0.0.1"])    // the default, .broadcast, reaches every network
settings.port = listener.port
let sender = try DiscoverySender(advertising: [hub], configuration: settings)
let advertising = Task { try await sender.run() }   // a datagram every half second until cancelled
// snippet.end

// snippet.connect
// Each hub once per search, for as long as asked; or the first of a name.
let found = await listener.firstHub(named: "Lab session", within: .seconds(10))
if let found {
    print(found.name, found.host, found.services)   // Lab session 127.0.0.1 ["imd": …, "multiplayer": …, "trajectory": …]
    let client = try NanoverClient(discovered: found)   // its gRPC port
    let state = try await client.fetchState()
    print(state)                                      // ["scene.title": "Lab session"]
    // snippet.hide
    precondition(client.connection.port == server.port)
    precondition(state == ["scene.title": "Lab session"])
    // snippet.show
    await client.close()
}
// snippet.end
// snippet.hide
precondition(found?.advertised.id == hub.id)
precondition(found?.advertised.essdVersion == ESSD.version)
precondition(listener.skippedDatagrams == 0)
// snippet.show

advertising.cancel()
_ = await advertising.result
await listener.close()
await server.close()
