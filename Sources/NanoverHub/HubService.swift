import Logging
import NanoverGRPC
import ServiceLifecycle

/// A running NanoVer hub as a service: serves until a graceful shutdown
/// (SIGINT/SIGTERM under a `ServiceGroup`), then closes the server — every
/// subscription receives its pending changes and ends — and writes the
/// state file one last time.
public struct HubService: Service {
    public let server: NanoverServer
    public let persister: StatePersister?
    private let logger: Logger
    private let onRunning: @Sendable () -> Void
    private let onShuttingDown: @Sendable () -> Void

    /// - Parameters:
    ///   - onRunning: called once serving under the group has begun, when
    ///     its signal handlers are in place: the moment to tell the world
    ///     where the server listens, so that a signal sent right after that
    ///     news stops the server cleanly.
    ///   - onShuttingDown: called when the graceful shutdown begins, before
    ///     the server closes (health checks start failing then).
    public init(
        server: NanoverServer, persister: StatePersister?, logger: Logger,
        onRunning: @escaping @Sendable () -> Void = {}, onShuttingDown: @escaping @Sendable () -> Void = {}
    ) {
        self.server = server
        self.persister = persister
        self.logger = logger
        self.onRunning = onRunning
        self.onShuttingDown = onShuttingDown
    }

    public func run() async throws {
        onRunning()
        await withDiscardingTaskGroup { group in
            if let persister {
                group.addTask { await persister.run() }
            }
            try? await gracefulShutdown()
            logger.info("shutting down")
            onShuttingDown()
            await server.close()
            // Every stream has ended; the state changes no more.
            server.session.close()
            group.cancelAll()
        }
        if let persister, await persister.writeNow() {
            logger.info("state written", metadata: ["path": "\(persister.file.path)"])
        }
    }
}
