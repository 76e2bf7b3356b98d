import NanoverCore
import NanoverTestSupport
import Testing

/// A client's change streams being abandoned while the mirror applies
/// changes: both sides touch the same observers at once.
@Suite("Client: change streams racing changes")
struct MirrorRaceTests {
    @Test("a change stream cancelled while changes are applied never deadlocks")
    func cancellingWhileApplyingNeverDeadlocks() async throws {
        let watchdog = Watchdog(seconds: 120, what: "a change stream cancelled during a change deadlocked")
        defer { watchdog.disarm() }
        let mirror = StateMirror()
        for round in 0..<200_000 {
            let changes = mirror.changes()
            let reader = Task {
                for try await _ in changes {}
            }
            let applier = Task {
                mirror.apply(StateChange(updates: ["k": .double(Double(round))]))
            }
            reader.cancel()
            await applier.value
            _ = await reader.result
        }
        #expect(mirror.copy()["k"] == .double(199_999))
    }
}
