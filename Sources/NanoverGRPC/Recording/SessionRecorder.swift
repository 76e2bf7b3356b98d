import NanoverCore
import ServiceLifecycle
import Synchronization

/// Records a session's own frames and state changes to `PREFIX.traj` and
/// `PREFIX.state`, straight from its frame publisher and state engine: no
/// network hop, and each frame's bytes are the very encoding subscribers
/// are sent.
///
/// As the reference's recorder does over the network, it follows the latest
/// frames and every state change at interval 0, and stamps each message
/// when it comes. Nothing published after the recorder is made is missed.
/// ``stop()`` (or a graceful shutdown, run as a `Service`) writes what is
/// pending and closes both files, complete.
public final class SessionRecorder: Service, Sendable {
    public let framesPath: String
    public let statePath: String
    private let frames: RecordingWriter
    private let state: RecordingWriter
    private let frameSubscription: FrameSubscription
    private let stateSubscription: StateSubscription
    private let clock = RecordingClock()
    private let counts = Mutex((frames: 0, stateUpdates: 0))

    /// Creates (or empties) both files and starts following the session.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``.
    public init(session: NanoverSession, prefix: String) throws(RecordingError) {
        framesPath = prefix + ".traj"
        statePath = prefix + ".state"
        frames = try RecordingWriter(path: framesPath)
        state = try RecordingWriter(path: statePath)
        frameSubscription = session.frames.subscribe(.latest)
        stateSubscription = session.state.subscribe()
    }

    /// How many frames and state updates were written so far.
    public var written: (frames: Int, stateUpdates: Int) {
        counts.withLock { $0 }
    }

    /// Writes until ``stop()``, the session closing, or a graceful
    /// shutdown; then closes both files.
    ///
    /// - Throws: ``RecordingError`` when a file cannot be written (the
    ///   recording stops; what was written stays readable).
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
        defer {
            frames.close()
            state.close()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                // A subscriber of the latest frames never falls behind.
                while let frame = try? await frameSubscription.next() {
                    try frames.append(.frame(frame, at: clock.microseconds))
                    counts.withLock { $0.frames += 1 }
                }
            }
            group.addTask { [self] in
                for await update in stateSubscription {
                    try state.append(.stateUpdate(update, at: clock.microseconds))
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
