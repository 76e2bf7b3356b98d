import NIOCore
import NIOPosix
import NanoverGRPC
import Testing

/// The server's clock: sleeps that are the event loop's own timers.
@Suite("Event loop clock")
struct EventLoopClockTests {
    static let loop = DedicatedEventLoop()

    /// Runs `body` in a task on the test loop.
    static func onLoop<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task(executorPreference: loop.taskExecutor, operation: body).value
    }

    @Test("on an event loop, a sleep ends at or after its deadline, on that loop")
    func sleepsOnTheLoop() async throws {
        let clock = EventLoopClock()
        let (woke, deadline, onLoop) = try await Self.onLoop {
            let deadline = clock.now + .milliseconds(20)
            try await clock.sleep(until: deadline)
            return (clock.now, deadline, MultiThreadedEventLoopGroup.currentEventLoop != nil)
        }
        #expect(woke >= deadline)
        #expect(onLoop)
    }

    @Test("off an event loop it still sleeps until the deadline")
    func sleepsOffTheLoop() async throws {
        let clock = EventLoopClock()
        let deadline = clock.now + .milliseconds(20)
        try await clock.sleep(until: deadline)
        #expect(clock.now >= deadline)
    }

    @Test("a deadline already past returns at once, without throwing")
    func pastDeadline() async throws {
        let clock = EventLoopClock()
        try await Self.onLoop {
            try await clock.sleep(until: clock.now - .seconds(1))
        }
    }

    @Test("cancelling a sleep ends it with CancellationError")
    func cancelled() async throws {
        let clock = EventLoopClock()
        let sleeper = Task(executorPreference: Self.loop.taskExecutor) {
            try await clock.sleep(until: clock.now + .seconds(3600))
        }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) {
            try await sleeper.value
        }
    }
}
