import NanoverCore

// What both recorders, of a server and of a session, share.

/// Microseconds since a recording started, on the monotonic clock: the
/// frames and the state of a recording are stamped by one.
struct RecordingClock: Sendable {
    private let start = ContinuousClock.now

    var microseconds: UInt64 {
        start.duration(to: .now).wholeMicroseconds
    }
}

/// Runs a recording, then closes its sink, also when the recording fails
/// (its error is then the one thrown, not the closing's).
func closing(_ close: () throws -> Void, after recording: () async throws -> Void) async throws {
    do {
        try await recording()
    } catch {
        try? close()
        throw error
    }
    try close()
}
