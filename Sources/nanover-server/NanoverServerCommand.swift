import ArgumentParser
import Foundation
import Logging
import NanoverCore
import NanoverGRPC
import NanoverHub
import NanoverWebSocket
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

    @Option(help: "Also serve the NanoVer 2026 protocol (WebSocket + MessagePack) on this port, 0 for a free one; off unless given. First part: state, commands and frames.")
    var wsPort: Int?

    @Option(help: "Record the session's frames and state, complete when the hub stops: to NAME.nanover.zip (NanoVer 2026 format) for a path ending so, else to PREFIX.traj and PREFIX.state.")
    var record: String?

    @Option(parsing: .upToNextOption, help: "Play recordings: NAME.traj, NAME.state or both, or NAME.nanover.zip; repeat for more, played from the first, switched with playback/load and playback/next.")
    var playback: [String] = []

    @Option(help: "Lowest level of log messages: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
        if let wsPort, !(0...65535).contains(wsPort) {
            throw ValidationError("--ws-port must be between 0 and 65535")
        }
        guard maxMessageBytes > 0 else {
            throw ValidationError("--max-message-bytes must be positive")
        }
        guard maxStateKeys > 0, maxStateBytes > 0 else {
            throw ValidationError("--max-state-keys and --max-state-bytes must be positive")
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
        let server = try await NanoverServer.start(serving: session, address: address, port: port, configuration: configuration)
        var webSocket: NanoverWebSocketServer?
        do {
            if let wsPort {
                var settings = NanoverWebSocketServer.Configuration()
                settings.logger = logger
                webSocket = try await NanoverWebSocketServer.start(serving: session, address: address, port: wsPort, configuration: settings)
            }
        } catch {
            await server.close()
            throw error
        }
        var line = "NanoVer server \"\(name)\" listening on \(Self.display(address)):\(server.port)\n"
        if let webSocket {
            line += "NanoVer 2026 (WebSocket) on ws://\(Self.display(address)):\(webSocket.port)\n"
        }
        let announce: @Sendable () -> Void = { [line, address, logger, port = server.port] in
            // Written straight out, unbuffered: scripts wait for this line.
            FileHandle.standardOutput.write(Data(line.utf8))
            logger.info("listening", metadata: ["address": "\(address)", "port": "\(port)"])
        }

        // Stopped last first: playback stops, then the hub closes the
        // session (which ends the WebSocket connections' streams and the
        // recorder's, once each has sent or written everything), then the
        // WebSocket listener and the recorder finish.
        var services: [any Service] = []
        if let recorder { services.append(RecorderService(recorder: recorder)) }
        if let webSocket { services.append(WebSocketService(server: webSocket)) }
        services.append(HubService(server: server, persister: persister, logger: logger, onRunning: announce))
        if let player { services.append(PlaybackService(player: player)) }
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

    /// An address as it goes before `:port`: IPv6 literals in brackets.
    private static func display(_ address: String) -> String {
        address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
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
