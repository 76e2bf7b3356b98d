import Logging
import NIOPosix
import NanoverCore
import Synchronization

/// Keeps a state file up to date: after a change, writes the whole state at
/// most once per ``minimumInterval``, and once more when asked at shutdown.
///
/// Encoding and writing a large state takes a while, so it runs on NIO's
/// thread pool for blocking work, never on Swift's shared pool, whose few
/// threads serve every task of the program.
public final class StatePersister: Sendable {
    /// The file kept up to date.
    public let file: StateFile
    /// The shortest time between two writes: changes made meanwhile go into
    /// the next write together.
    public let minimumInterval: Duration
    private let engine: StateEngine
    private let logger: Logger
    private let dirty = DirtyFlag()
    private let observer: UInt64

    /// Starts watching `engine` for changes; nothing is written until
    /// ``run()`` or ``writeNow()``.
    ///
    /// - Parameters:
    ///   - engine: the state to keep.
    ///   - file: where to keep it.
    ///   - minimumInterval: the shortest time between two writes.
    ///   - logger: where writes and failures to write are said.
    public init(engine: StateEngine, file: StateFile, minimumInterval: Duration = .seconds(1), logger: Logger) {
        self.engine = engine
        self.file = file
        self.minimumInterval = minimumInterval
        self.logger = logger
        let dirty = self.dirty
        // Called under the engine's lock: only flips a flag.
        observer = engine.addObserver { _, _ in
            dirty.set()
        }
    }

    deinit {
        engine.removeObserver(observer)
    }

    /// Writes changed state every ``minimumInterval`` until the task is
    /// cancelled.
    public func run() async {
        // A sleep cut short by cancellation ends the loop: a write started
        // then would only fail, cancelled too (the owner writes at the end).
        while (try? await Task.sleep(for: minimumInterval)) != nil {
            if dirty.take() {
                await writeLogged()
            }
        }
    }

    /// Writes the state now, whether or not it changed.
    ///
    /// - Returns: whether the file was written; a failure is logged, and the
    ///   next round of ``run()`` tries again.
    @discardableResult
    public func writeNow() async -> Bool {
        _ = dirty.take()
        return await writeLogged()
    }

    @discardableResult
    private func writeLogged() async -> Bool {
        // Taking the copy costs a reference; the work is in saving it.
        let state = engine.copyState()
        let file = self.file
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try file.save(state)
            }
            logger.debug("state written", metadata: ["path": "\(file.path)"])
            return true
        } catch {
            // Try again at the next tick rather than lose the change.
            dirty.set()
            logger.error("cannot write state file", metadata: ["error": "\(error)"])
            return false
        }
    }
}

/// Whether the state changed since it was last written.
private final class DirtyFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() {
        flag.store(true, ordering: .releasing)
    }

    /// Whether it was set, clearing it.
    func take() -> Bool {
        flag.exchange(false, ordering: .acquiringAndReleasing)
    }
}
