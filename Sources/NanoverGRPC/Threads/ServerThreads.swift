import NIOCore
import NIOPosix
import Synchronization

/// Threads that each carry both network I/O and Swift tasks, for a server:
/// every connection lives on one of them, and so do the calls it carries.
///
/// A call's handler then runs where its connection's bytes arrive and
/// leave, without hopping between threads (on a small machine such hops
/// cost as much as the work), while different connections are served in
/// parallel. Work that may block belongs elsewhere: a blocked thread stalls
/// every connection on it.
public final class ServerThreads: Sendable {
    let group: MultiThreadedEventLoopGroup
    /// One executor per loop, by the loop's identity.
    private let executors: [ObjectIdentifier: EventLoopTaskExecutor]
    /// Give it to the task that serves: it runs each job on the thread that
    /// scheduled it, if that is one of these, so that the transport's own
    /// tasks stay with the connection that woke them.
    public let followingExecutor: any TaskExecutor

    /// For transports made by hand.
    public var eventLoopGroup: MultiThreadedEventLoopGroup { group }

    /// The number of threads.
    public var count: Int { executors.count }

    /// `count` new threads; they live as long as the process, like NIO's
    /// own shared loops. Prefer ``shared(count:)``.
    init(count: Int) {
        precondition(count > 0, "a server needs at least one thread")
        group = MultiThreadedEventLoopGroup(numberOfThreads: count)
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for loop in group.makeIterator() {
            executors[ObjectIdentifier(loop)] = EventLoopTaskExecutor(loop: loop)
        }
        self.executors = executors
        followingExecutor = FollowingTaskExecutor(group: group, executors: executors)
    }

    private static let pools = Mutex<[Int: ServerThreads]>([:])

    /// The process's pool of `count` threads, made on first use. Servers
    /// come and go on it without having to stop it: the Swift runtime may
    /// hand a loop work for a task that has ended, so loops that ran tasks
    /// are never shut down.
    public static func shared(count: Int) -> ServerThreads {
        pools.withLock { pools in
            if let pool = pools[count] { return pool }
            let pool = ServerThreads(count: count)
            pools[count] = pool
            return pool
        }
    }

    /// The executor running jobs on `loop`, if it is one of these threads:
    /// for other servers to keep a connection's work on its own thread.
    public func executor(for loop: any EventLoop) -> (any TaskExecutor)? {
        executors[ObjectIdentifier(loop)]
    }

    /// The executor of the thread running this code, if it is one of these.
    func executorOfCurrentThread() -> (any TaskExecutor)? {
        executors.ofCurrentThread()
    }
}

extension [ObjectIdentifier: EventLoopTaskExecutor] {
    /// The executor of the thread running this code, if it is one of these.
    fileprivate func ofCurrentThread() -> EventLoopTaskExecutor? {
        MultiThreadedEventLoopGroup.currentEventLoop.flatMap { self[ObjectIdentifier($0)] }
    }
}

/// Runs each job on the event loop of the thread that enqueues it, when that
/// loop belongs to the pool, and on the pool's next loop otherwise.
private final class FollowingTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Immutable after init.
    private let group: MultiThreadedEventLoopGroup
    private let executors: [ObjectIdentifier: EventLoopTaskExecutor]

    init(group: MultiThreadedEventLoopGroup, executors: [ObjectIdentifier: EventLoopTaskExecutor]) {
        self.group = group
        self.executors = executors
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop = executors.ofCurrentThread()?.loop ?? group.next()
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
