/// Runs `body`, giving up after `timeout` (nil: never) with
/// ``NanoverWebSocketClientError/timedOut(_:)`` saying `what` was awaited;
/// `body` is then cancelled.
func withDeadline<Result: Sendable>(
    _ timeout: Duration?, waitingFor what: String, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    guard let timeout else { return try await body() }
    return try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard case let result?? = try await group.next() else {
            throw NanoverWebSocketClientError.timedOut("no \(what) within \(timeout.inSeconds) s")
        }
        return result
    }
}
