// What the recorders of every protocol share: of a server over gRPC, of a
// 2026 server over WebSocket, and of a session in the hub.

/// Microseconds since a recording started, on the monotonic clock: the
/// frames and the state of a recording are stamped by one.
package struct RecordingClock: Sendable {
    private let start = ContinuousClock.now

    package init() {}

    package var microseconds: UInt64 {
        start.duration(to: .now).wholeMicroseconds
    }
}

/// Runs a recording, then closes its sink, also when the recording fails
/// (its error is then the one thrown, not the closing's).
package func closing(_ close: () throws -> Void, after recording: () async throws -> Void) async throws {
    do {
        try await recording()
    } catch {
        try? close()
        throw error
    }
    try close()
}

/// What a recording of a server over the network wrote, and why it ended.
public struct RecordingOutcome: Sendable {
    /// How many frame messages were written to the sink.
    public var frames = 0
    /// How many state messages were written to the sink.
    public var stateUpdates = 0
    /// The error that ended the recording's connection or a stream of it
    /// (the server going away, say); nil when the recording was stopped or
    /// the server closed normally.
    public var streamError: (any Error)?

    /// Nothing written yet, and no error.
    public init() {}
}
