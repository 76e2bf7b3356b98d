import NIOCore
import NIOPosix

/// One thread that carries both network I/O and Swift tasks, for clients
/// (servers use ``ServerThreads``).
///
/// With grpc-swift's defaults every call hops from an I/O thread to Swift's
/// concurrency pool and back, and on a small machine those hops cost as
/// much as the work. Connections made on this loop, and tasks run with
/// ``taskExecutor`` as their executor preference, stay on its one thread.
/// Work that may block belongs elsewhere: a blocked loop stalls every
/// connection on it.
public final class DedicatedEventLoop: Sendable {
    let group: MultiThreadedEventLoopGroup
    /// Give it to `withTaskExecutorPreference` or `Task(executorPreference:)`.
    public let taskExecutor: any TaskExecutor

    /// For transports made by hand.
    public var eventLoopGroup: any EventLoopGroup { group }

    /// A loop of its own; ``shutdown()`` it once nothing uses it any more.
    public init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        taskExecutor = EventLoopTaskExecutor(loop: group.next())
    }

    /// The process's shared loop. Like NIO's own singleton loops it lives as
    /// long as the process: clients come and go on it without any of them
    /// having to stop it.
    public static let shared = DedicatedEventLoop()

    /// Stops the thread. Everything that ran on it must have finished:
    /// the Swift runtime may still hand it work for a task that ended.
    public func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
