import NanoverDiscovery
import NIOCore
import NIOPosix

/// Discovery kept on this machine: every sender in these tests sends to
/// 127.0.0.1 only, on a port its test's listener was given by the system.
enum Loopback {
    /// Runs `body` while `hubs` are advertised to 127.0.0.1:`port`; the
    /// sender has stopped (sends nothing more) when this returns.
    static func advertising<Result: Sendable>(
        _ hubs: [HubDescription],
        to port: Int,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let sender = try DiscoverySender(advertising: hubs, configuration: configuration(port: port))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sender.run() }
            do {
                let result = try await body()
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// A sender's settings for 127.0.0.1:`port`.
    static func configuration(port: Int) -> DiscoverySender.Configuration {
        var configuration = DiscoverySender.Configuration()
        configuration.targets = .addresses(["127.0.0.1"])
        configuration.port = port
        return configuration
    }

    /// A listener on 127.0.0.1, on a port the system picks.
    static func listener() async throws -> DiscoveryListener {
        try await DiscoveryListener.start(port: 0, host: "127.0.0.1")
    }

    /// Sends each of `datagrams` as it is, in order, to 127.0.0.1:`port`.
    static func send(_ datagrams: [[UInt8]], to port: Int) async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        for datagram in datagrams {
            try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: datagram))).get()
        }
        try await channel.close()
    }
}
