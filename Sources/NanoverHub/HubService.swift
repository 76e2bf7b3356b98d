import Logging
import NanoverGRPC
import ServiceLifecycle

/// A running NanoVer hub as a service: serves until a graceful shutdown
/// (SIGINT/SIGTERM under a `ServiceGroup`), then closes the server — every
/// subscription receives its pending changes and ends — and writes the
/// state file one last time.
///
/// It closes the session the server serves once the server has closed, so
/// that every other adapter serving the same session (a
/// ``/NanoverWebSocket/NanoverWebSocketServer``, a
/// ``/NanoverGRPC/SessionRecorder``) sees its streams end too; those
/// adapters are services of their own in the same group. `nanover-server`
/// runs it so; see <doc:EmbeddingAHub>.
public struct HubService: Service {
    /// The gRPC server of the hub, closed at shutdown; its session is
    /// closed after it.
    public let server: NanoverServer
    /// What keeps the state file up to date, if the hub has one: it runs
    /// while the hub serves and writes once more at the end.
    public let persister: StatePersister?
    private let logger: Logger
    private let onRunning: @Sendable () -> Void
    private let onShuttingDown: @Sendable () -> Void

    /// A hub service for a started server.
    ///
    /// - Parameters:
    ///   - server: the started gRPC server, with the session it serves.
    ///   - persister: the state file's keeper, or nil for a hub without a
    ///     state file.
    ///   - logger: where the service says it is shutting down and that the
    ///     state was written.
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

    /// Serves until a graceful shutdown, then closes the server and its
    /// session and writes the state file. Cancelling the task shuts it down
    /// the same way.
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
