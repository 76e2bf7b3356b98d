import UnixSignals

/// Runs `body` until it ends or a signal arrives on `signals` (trapped
/// before anything was printed), whichever comes first; the other is
/// cancelled. How the commands that run until Ctrl-C stop.
func untilSignalled(_ signals: UnixSignalsSequence, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask(operation: body)
        group.addTask {
            for await _ in signals {
                return
            }
        }
        try await group.next()
        group.cancelAll()
    }
}
