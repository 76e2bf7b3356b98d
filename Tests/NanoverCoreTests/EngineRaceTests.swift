import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// Ending, cancelling and pacing racing each other on the real clock. Each
/// wakes suspended tasks while another may be cancelling them: a deadlock
/// here would stall the whole process, so a watchdog thread, outside Swift's
/// pool, ends it with a message instead of letting it hang.
@Suite("Subscriptions: races")
struct EngineRaceTests {
    @Test("leaving, finishing and closing while paced or waiting never deadlocks")
    func endingRacesNeverDeadlock() async throws {
        let watchdog = Watchdog(seconds: 120, what: "subscriptions racing their own ending deadlocked")
        defer { watchdog.disarm() }
        var delivered = 0
        for round in 0..<50_000 {
            let engine = StateEngine()
            let subscription = engine.subscribe(interval: .microseconds(Int.random(in: 0...400)))
            let reader = Task {
                var count = 0
                while await subscription.next() != nil {
                    count += 1
                }
                return count
            }
            try engine.update(StateChange(updates: ["k": .double(Double(round))]))
            try engine.update(StateChange(updates: ["k": .double(Double(round + 1))]))
            switch round % 4 {
            case 0: reader.cancel()
            case 1: subscription.cancel()
            case 2: subscription.finish()
            default: engine.close()
            }
            delivered += await reader.value
        }
        // Something was delivered at all: the rounds did race real waits.
        #expect(delivered > 0)
    }
}
