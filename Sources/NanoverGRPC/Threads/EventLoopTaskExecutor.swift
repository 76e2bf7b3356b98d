import NIOCore

/// Runs Swift tasks on one NIO event loop.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Immutable after init, and an EventLoop may be used from any thread.
    let loop: any EventLoop

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
