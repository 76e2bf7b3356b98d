import ArgumentParser
import Foundation
import Logging
import Metrics
import NanoverCore
import NanoverDiscovery
import NanoverGRPC
import NanoverHub
import NanoverWebSocket
import Prometheus
import ServiceLifecycle

@main
struct NanoverServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nanover-server",
        abstract: "Run a NanoVer hub: the Command, State and Trajectory services on one port.",
        discussion: """
            On start it prints one line to standard output saying where it listens, \
            with the real port (also for --port 0). SIGINT or SIGTERM stops it cleanly: \
            subscriptions receive their pending changes and end, the state file is written, \
            and a recording (--record) is left complete.
            """
    )

    @Option(help: "Address to listen on: [::] for every interface, or an IP address or host name.")
    var address = NanoverServer.defaultAddress

    @Option(help: "Port to listen on; 0 lets the operating system choose.")
    var port = NanoverServer.defaultPort

    @Option(help: "A human name for this session, for logs and discovery.")
    var name = "NanoVer Server"

    @Option(help: "Keep the shared state in this JSON file: loaded at start, written at most once a second after a change, and at shutdown.")
    var stateFile: String?

    @Option(help: "Seed keys at start: a JSON object, or @PATH of a file holding one. A state file's saved values win over it.")
    var initialState: String?

    @Option(help: "Largest request accepted, in bytes; a larger one is answered with RESOURCE_EXHAUSTED.")
    var maxMessageBytes = NanoverServer.Configuration().maxRequestMessageBytes

    @Option(help: "Most keys the shared state may hold; a change past it is refused with RESOURCE_EXHAUSTED.")
    var maxStateKeys = StateLimits.standard.maxKeys

    @Option(help: "Most bytes the shared state's keys and values may take; a change past it is refused with RESOURCE_EXHAUSTED.")
    var maxStateBytes = StateLimits.standard.maxBytes

    @Option(help: "Threads to serve on, each carrying its share of the connections; 0 uses NIO's shared threads and Swift's pool.")
    var threads = NanoverServer.Configuration.defaultThreads

    @Option(help: "Port of the NanoVer 2026 protocol (WebSocket + MessagePack), 0 for a free one; 38802 by default, or a free one when --port is 0.")
    var wsPort: Int?

    @Flag(help: "Serve only the gRPC-era protocol: no WebSocket listener.")
    var noWebsocket = false

    @Flag(help: "Leave a gRPC client's keys when its connection ends (as the gRPC-era reference does); by default the keys of the user it named by its first avatar.<id> key go, as for a 2026 client.")
    var keepDepartedUsers = false

    @Flag(help: "Advertise the hub on the local network (ESSD: UDP datagrams to port 54545 every half second) so that clients find it by --name; off unless given.")
    var discovery = false

    @Option(name: .customLong("discovery-target"), help: ArgumentHelp("With --discovery: send to this IPv4 address instead of every interface's broadcast address; repeat for more (127.0.0.1 keeps discovery on this machine).", valueName: "address"))
    var discoveryTargets: [String] = []

    @Option(help: "With --discovery: the UDP port to advertise to.")
    var discoveryPort = ESSD.port

    @Option(help: "Record the session's frames and state, complete when the hub stops: to NAME.nanover.zip (NanoVer 2026 format) for a path ending so, else to PREFIX.traj and PREFIX.state.")
    var record: String?

    @Option(parsing: .upToNextOption, help: "Play recordings: NAME.traj, NAME.state or both, or NAME.nanover.zip; repeat for more, played from the first, switched with playback/load and playback/next.")
    var playback: [String] = []

    @Option(help: "Serve metrics (GET /metrics, Prometheus text) and health (GET /health: 200 serving, 503 shutting down) over HTTP on this port, 0 for a free one; off unless given.")
    var metricsPort: Int?

    @Option(help: "Address of the metrics port; the hub's --address unless given.")
    var metricsAddress: String?

    @Option(help: "Lowest level of log messages: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
        if let wsPort, !(0...65535).contains(wsPort) {
            throw ValidationError("--ws-port must be between 0 and 65535")
        }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535")
        }
        if metricsAddress != nil, metricsPort == nil {
            throw ValidationError("--metrics-address needs --metrics-port")
        }
        if wsPort != nil, noWebsocket {
            throw ValidationError("--ws-port and --no-websocket cannot go together")
        }
        guard maxMessageBytes > 0 else {
            throw ValidationError("--max-message-bytes must be positive")
        }
        guard maxStateKeys > 0, maxStateBytes > 0 else {
            throw ValidationError("--max-state-keys and --max-state-bytes must be positive")
        }
        if !discovery, !discoveryTargets.isEmpty || discoveryPort != ESSD.port {
            throw ValidationError("--discovery-target and --discovery-port need --discovery")
        }
        if discovery {
            // With the longest ports, so that the real ones cannot fail later.
            do {
                let hub = try DiscoveryService.hub(name: name, address: address, grpcPort: 65535, webSocketPort: wsPort.map { _ in 65535 })
                _ = try DiscoveryService(hub: hub, targets: discoveryTargets, port: discoveryPort, logger: Logger(label: "check"))
            } catch {
                throw ValidationError("discovery: \(error)")
            }
        }
        guard threads >= 0 else {
            throw ValidationError("--threads must not be negative")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "nanover.server")
        logger[metadataKey: "session"] = "\(name)"
        // Before anything makes a metric, which binds to the backend of the
        // moment.
        let registry = metricsPort.map { _ in PrometheusCollectorRegistry() }
        if let registry {
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }

        // Everything that can refuse to start does so before listening, so
        // a failure leaves nothing running.
        let session = NanoverSession(clock: EventLoopClock(), limits: StateLimits(maxKeys: maxStateKeys, maxBytes: maxStateBytes))
        defer { session.close() }
        let stateFile = self.stateFile.map(StateFile.init(path:))
        if let seed = try initialState.map(parseStateArgument) {
            try session.state.update(StateChange(updates: seed))
        }
        if let saved = try stateFile?.load() {
            try session.state.update(StateChange(updates: saved))
            logger.info("state loaded", metadata: ["path": "\(stateFile?.path ?? "")", "keys": "\(saved.count)"])
        }
        try Multiuser.registerCommands(on: session)
        let persister = stateFile.map { StatePersister(engine: session.state, file: $0, logger: logger) }
        let recorder = try record.map { SessionRecorder(session: session, sink: try RecordingFormats.sessionSink(path: $0)) }
        var player: RecordingPlayer?
        if !playback.isEmpty {
            let recordings = try PlaybackRecording.grouping(playback)
            let created = RecordingPlayer(recordings: recordings, session: session, opener: HubRecordingOpener(), clock: EventLoopClock())
            try created.check()
            try created.registerCommands()
            player = created
            logger.info("playing recordings", metadata: ["recordings": "\(recordings.map(\.name))"])
        }

        var configuration = NanoverServer.Configuration()
        configuration.logger = logger
        configuration.maxRequestMessageBytes = maxMessageBytes
        configuration.threads = threads
        configuration.removesDepartedUsers = !keepDepartedUsers
        let server = try await NanoverServer.start(serving: session, address: address, port: port, configuration: configuration)
        var webSocket: NanoverWebSocketServer?
        do {
            if !noWebsocket {
                var settings = NanoverWebSocketServer.Configuration()
                settings.logger = logger
                if threads > 0 {
                    // The same threads as the gRPC side's connections.
                    let pool = ServerThreads.shared(count: threads)
                    settings.eventLoopGroup = pool.eventLoopGroup
                    settings.executorForLoop = { pool.executor(for: $0) }
                }
                let wsPort = self.wsPort ?? (port == 0 ? 0 : NanoverWebSocketServer.defaultPort)
                webSocket = try await NanoverWebSocketServer.start(serving: session, address: address, port: wsPort, configuration: settings)
            }
        } catch {
            await server.close()
            throw error
        }
        let health = HubHealth()
        var metricsServer: MetricsServer?
        let discoveryService: DiscoveryService?
        do {
            if let registry, let metricsPort {
                let gauges = HubGauges()
                metricsServer = try await MetricsServer.start(
                    address: metricsAddress ?? address, port: metricsPort, health: health, logger: logger
                ) { [session, server, webSocket] in
                    gauges.sample(session: session, server: server, webSocket: webSocket)
                    return registry.emitToBuffer()
                }
            }
            discoveryService = try discovery ? DiscoveryService(
                hub: DiscoveryService.hub(name: name, address: address, grpcPort: server.port, webSocketPort: webSocket?.port),
                targets: discoveryTargets, port: discoveryPort, logger: logger) : nil
        } catch {
            await metricsServer?.close()
            await webSocket?.close()
            await server.close()
            throw error
        }
        var line = "NanoVer server \"\(name)\" listening on \(HostLiteral.bracketed(address)):\(server.port)\n"
        if let webSocket {
            line += "NanoVer 2026 (WebSocket) on ws://\(HostLiteral.bracketed(address)):\(webSocket.port)\n"
        }
        if let metricsServer {
            line += "Metrics on http://\(HostLiteral.bracketed(metricsAddress ?? address)):\(metricsServer.port)/metrics\n"
        }
        let announce: @Sendable () -> Void = { [line, address, logger, port = server.port] in
            // Written straight out, unbuffered: scripts wait for this line.
            FileHandle.standardOutput.write(Data(line.utf8))
            logger.info("listening", metadata: ["address": "\(address)", "port": "\(port)"])
        }

        // Stopped last first: discovery stops advertising, playback stops,
        // then the hub closes the session (which ends the WebSocket
        // connections' streams and the recorder's, once each has sent or
        // written everything), then the recorder and the WebSocket listener
        // finish, and the metrics port last.
        var services: [any Service] = []
        if let metricsServer { services.append(MetricsService(server: metricsServer)) }
        if let webSocket { services.append(WebSocketService(server: webSocket)) }
        if let recorder { services.append(RecorderService(recorder: recorder)) }
        services.append(HubService(
            server: server, persister: persister, logger: logger, onRunning: announce, onShuttingDown: { health.beginShuttingDown() }))
        if let player { services.append(PlaybackService(player: player)) }
        if let discoveryService { services.append(discoveryService) }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch {
            // Closing is idempotent: the hub service may have done it.
            await server.close()
            throw error
        }
        logger.info("stopped")
    }
}

/// The session recorder under the service group. It ends by itself once
/// the hub has closed the session (its streams end), which may come before
/// the group asks it to; it then waits for its turn, since a group shutting
/// down takes a service that ends out of order for a failure.
struct RecorderService: Service {
    let recorder: SessionRecorder

    func run() async throws {
        try await recorder.run()
        try? await gracefulShutdown()
    }
}

/// The 2026 listener under the service group: closed once the hub has
/// closed the session, which ends every connection's streams.
struct WebSocketService: Service {
    let server: NanoverWebSocketServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}

/// The metrics listener under the service group: the last to stop, so that
/// health checks see the hub shutting down.
struct MetricsService: Service {
    let server: MetricsServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}
