import NIOCore
import NIOPosix

/// One thread that carries both network I/O and Swift tasks.
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

    /// The process's shared loop, which servers use by default. Like NIO's
    /// own singleton loops it lives as long as the process: servers and
    /// clients come and go on it without any of them having to stop it.
    public static let shared = DedicatedEventLoop()

    /// Stops the thread. Everything that ran on it must have finished:
    /// the Swift runtime may still hand it work for a task that ended.
    public func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// Runs Swift tasks on a NIO event loop.
private final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Immutable after init, and an EventLoop may be used from any thread.
    private let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
