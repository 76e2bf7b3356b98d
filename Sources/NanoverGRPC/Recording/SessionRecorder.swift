import NanoverCore
import ServiceLifecycle
import Synchronization

/// Records a session's own frames and state changes, straight from its
/// frame publisher and state engine: no network hop, and each frame's bytes
/// are the very encoding subscribers are sent. It writes to a sink, by
/// default `PREFIX.traj` and `PREFIX.state` (``ProtobufRecordingFiles``).
///
/// As the reference's recorder does over the network, it follows the latest
/// frames and every state change at interval 0, and stamps each message
/// when it comes. Nothing published after the recorder is made is missed.
/// ``stop()`` (or a graceful shutdown, run as a `Service`) writes what is
/// pending and closes the sink, its files complete.
public final class SessionRecorder: Service, Sendable {
    /// Where the recording goes: ``ProtobufRecordingFiles``, a 2026
    /// `.nanover.zip` writer, or any other sink; closed when the recording
    /// ends.
    public let sink: any SessionRecordingSink
    private let frameSubscription: FrameSubscription
    private let stateSubscription: StateSubscription
    /// Whether the state had no keys when the recording started: its
    /// subscription then has no first message to give.
    private let startedEmpty: Bool
    private let clock = RecordingClock()
    private let counts = Mutex((frames: 0, stateUpdates: 0))

    /// Starts following the session, for `sink`.
    public init(session: NanoverSession, sink: any SessionRecordingSink) {
        self.sink = sink
        frameSubscription = session.frames.subscribe(.latest)
        stateSubscription = session.state.subscribe()
        startedEmpty = session.state.keyCount == 0
    }

    /// Creates (or empties) `PREFIX.traj` and `PREFIX.state` and starts
    /// following the session.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public convenience init(session: NanoverSession, prefix: String) throws(RecordingError) {
        self.init(session: session, sink: try ProtobufRecordingFiles(prefix: prefix))
    }

    /// How many frames and state updates were written so far.
    public var written: (frames: Int, stateUpdates: Int) {
        counts.withLock { $0 }
    }

    /// Writes until ``stop()``, the session closing, or a graceful
    /// shutdown; then closes the sink.
    ///
    /// - Throws: ``/NanoverCore/RecordingError`` when a file cannot be written
    ///   (the recording stops; what was written stays readable).
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await record()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Writes what is pending, then ends ``run()``. Idempotent.
    public func stop() {
        frameSubscription.finish()
        stateSubscription.finish()
    }

    private func record() async throws {
        try await closing(sink.close) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    // A subscriber of the latest frames never falls behind.
                    while let frame = try? await frameSubscription.next() {
                        try sink.append(frame, at: clock.microseconds)
                        counts.withLock { $0.frames += 1 }
                    }
                }
                group.addTask { [self] in
                    if startedEmpty {
                        try sink.appendEmptyFirstState(at: clock.microseconds)
                    }
                    for await update in stateSubscription {
                        try sink.append(update, at: clock.microseconds)
                        counts.withLock { $0.stateUpdates += 1 }
                    }
                }
                do {
                    try await group.waitForAll()
                } catch {
                    stop()
                    throw error
                }
            }
        }
    }
}
