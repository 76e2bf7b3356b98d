import Logging
import NIOCore
import NIOPosix

/// Advertises hubs: every ``Configuration/interval`` (half a second), for
/// each hub, one datagram holding its description to each target.
///
/// ```swift
/// let hub = try HubDescription(name: "Lab session", address: "[::]", services: ["trajectory": 38801])
/// var configuration = DiscoverySender.Configuration()
/// configuration.targets = .addresses(["127.0.0.1"])   // or .broadcast, the default
/// let sender = try DiscoverySender(advertising: [hub], configuration: configuration)
/// try await sender.run()                              // until its task is cancelled
/// ```
///
/// With ``DiscoveryTargets/broadcast`` the machine's interfaces are read
/// again before every round, so an interface that comes, goes or changes
/// address is followed. A hub that listens on every interface is advertised
/// on each with that interface's own address (with explicit targets: the
/// address the system sends to that target from). A target that cannot be
/// reached is logged once and tried again every round; it never stops the
/// others.
public struct DiscoverySender: Sendable {
    /// Settings of a sender.
    public struct Configuration: Sendable {
        /// Where to send: by default the broadcast addresses of the
        /// machine's interfaces.
        public var targets = DiscoveryTargets.broadcast
        /// The UDP port listeners listen on.
        public var port = ESSD.port
        /// How long between rounds.
        public var interval = ESSD.interval
        /// Where the sender says where it sends, and what fails.
        public var logger = Logger(label: "nanover.discovery")
        /// The threads its sockets run on: NIO's shared ones by default.
        public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

        /// The defaults: broadcast to port 54545 every half second.
        public init() {}
    }

    /// The hubs advertised.
    public let hubs: [HubDescription]
    /// Where, how often and on which port.
    public let configuration: Configuration
    private let explicitTargets: [IPv4Address]?

    /// A sender of `hubs`' descriptions; nothing is sent until ``run()``.
    ///
    /// - Throws: ``DiscoveryError/invalidTarget(_:)`` for an explicit
    ///   target that is not an IPv4 address, ``DiscoveryError/invalidPort(_:)``
    ///   for a port outside 1...65535, ``DiscoveryError/invalidInterval(_:)``
    ///   for an interval that is not positive.
    public init(advertising hubs: [HubDescription], configuration: Configuration = Configuration()) throws(DiscoveryError) {
        guard HubDescription.ports.contains(configuration.port) else {
            throw .invalidPort(configuration.port)
        }
        guard configuration.interval > .zero else {
            throw .invalidInterval(configuration.interval)
        }
        if case .addresses(let texts) = configuration.targets {
            var targets: [IPv4Address] = []
            for text in texts {
                guard let target = IPv4Address(text) else { throw .invalidTarget(text) }
                targets.append(target)
            }
            explicitTargets = targets
        } else {
            explicitTargets = nil
        }
        self.hubs = hubs
        self.configuration = configuration
    }

    /// Sends every interval until the calling task is cancelled, then
    /// closes its socket and returns: after it has returned, nothing more
    /// is sent.
    ///
    /// - Throws: an error of the system's when no UDP socket can be opened.
    public func run() async throws {
        var channel = try await openChannel()
        do {
            try await advertise(over: &channel)
        } catch is CancellationError {
            // How a run is meant to end.
        } catch {
            try? await channel.close()
            throw error
        }
        try? await channel.close()
    }

    private func openChannel() async throws -> any Channel {
        try await DatagramBootstrap.essd(group: configuration.eventLoopGroup).bind(host: "0.0.0.0", port: 0).get()
    }

    private func advertise(over channel: inout any Channel) async throws {
        let logger = configuration.logger
        var interfaces: [InterfaceAddress]?
        var datagrams: [AddressedEnvelope<ByteBuffer>] = []
        var failing = Set<SocketAddress>()
        var said: [Placement] = []
        while true {
            try Task.checkCancellation()
            let current: [InterfaceAddress]
            do {
                current = try InterfaceAddress.current()
            } catch {
                logger.warning("cannot read the network interfaces", metadata: ["error": "\(error)"])
                current = interfaces ?? []
            }
            if current != interfaces {
                interfaces = current
                let plan = try await self.plan(interfaces: current)
                datagrams = plan.datagrams
                failing.removeAll()
                // Said when it changes, not when an interface that does
                // not matter does.
                if plan.summary != said {
                    said = plan.summary
                    for placement in said {
                        logger.log(level: placement.level, "\(placement.text)")
                    }
                }
            }
            for datagram in datagrams {
                do {
                    try await channel.writeAndFlush(datagram).get()
                    if failing.remove(datagram.remoteAddress) != nil {
                        logger.info("sending to \(datagram.remoteAddress) again")
                    }
                } catch {
                    if failing.insert(datagram.remoteAddress).inserted {
                        logger.warning("cannot send to \(datagram.remoteAddress); trying again each round", metadata: ["error": "\(error)"])
                    }
                    // Some send errors close a datagram channel.
                    if !channel.isActive {
                        channel = try await openChannel()
                    }
                }
            }
            try await Task.sleep(for: configuration.interval)
        }
    }

    /// Where a hub goes, as logged when it changes.
    struct Placement: Equatable {
        let level: Logger.Level
        let text: String
    }

    /// Each round's datagrams, for the interfaces the machine has now, and
    /// a line per hub saying where it goes.
    private func plan(interfaces: [InterfaceAddress]) async throws -> (datagrams: [AddressedEnvelope<ByteBuffer>], summary: [Placement]) {
        let logger = configuration.logger
        var datagrams: [AddressedEnvelope<ByteBuffer>] = []
        var summary: [Placement] = []
        for hub in hubs {
            var places: [String] = []
            for destination in try await destinations(of: hub, interfaces: interfaces) {
                do {
                    let bytes = try hub.with(address: destination.advertisedAddress).json
                    let target = try SocketAddress(ipAddress: destination.target.description, port: configuration.port)
                    datagrams.append(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: bytes)))
                    places.append("\(destination.target):\(configuration.port) as \(destination.advertisedAddress)")
                } catch {
                    logger.warning("cannot advertise \"\(hub.name)\" to \(destination.target)", metadata: ["error": "\(error)"])
                }
            }
            let why = explicitTargets == nil ? "no interface of its network has a broadcast address" : "no target can be reached"
            summary.append(places.isEmpty
                ? Placement(level: .warning, text: "nowhere to advertise \"\(hub.name)\" (address \(hub.address)): \(why)")
                : Placement(level: .info, text: "advertising \"\(hub.name)\" to \(places.joined(separator: ", "))"))
        }
        return (datagrams, summary)
    }

    private func destinations(of hub: HubDescription, interfaces: [InterfaceAddress]) async throws -> [Destination] {
        guard let explicitTargets else {
            return TargetPlanning.broadcastDestinations(hubAddress: hub.address, interfaces: interfaces)
        }
        var destinations: [Destination] = []
        for target in explicitTargets {
            var local = target
            if hub.listensEverywhere {
                // The address this machine sends to that target from is
                // the one the target's side can reach it at.
                guard let source = try? await sourceAddress(toward: target) else {
                    configuration.logger.warning("no route to \(target): not advertising \"\(hub.name)\" there")
                    continue
                }
                local = source
            }
            destinations.append(Destination(target: target, advertisedAddress: TargetPlanning.advertisedAddress(hubAddress: hub.address, local: local)))
        }
        return TargetPlanning.unique(destinations)
    }

    /// The local address the system picks to send to `target` from: a
    /// connected UDP socket's own address (connecting sends nothing).
    private func sourceAddress(toward target: IPv4Address) async throws -> IPv4Address? {
        let channel = try await DatagramBootstrap(group: configuration.eventLoopGroup)
            .channelOption(.socketOption(.so_broadcast), value: 1)
            .connect(host: target.description, port: configuration.port)
            .get()
        let address = IPv4Address(channel.localAddress)
        try? await channel.close()
        return address
    }
}
