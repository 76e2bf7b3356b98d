import NanoverCore
import Synchronization

/// Plays synthetic frames through a publisher, under the playback commands,
/// so that a client's playback calls have something to drive.
final class SyntheticPlayer: Sendable {
    private struct Playing {
        var paused = false
        var nextIndex: UInt32 = 1

        /// The next index, counted on.
        mutating func take() -> UInt32 {
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    let publisher: FramePublisher
    let source: SyntheticFrames
    private let playing = Mutex(Playing())

    init(publisher: FramePublisher, source: SyntheticFrames) {
        self.publisher = publisher
        self.source = source
    }

    /// Publishes the next frame unless paused. Frames are sent while the
    /// lock is held, so that a step and a tick never cross.
    func tick() {
        playing.withLock { playing in
            guard !playing.paused else { return }
            let index = playing.take()
            try? publisher.send(frameIndex: index, frame: source.positions(step: Int(index)))
        }
    }

    /// Starts over: the topology with index 0, then frames from 1.
    func reset() throws {
        try playing.withLock { (playing) throws(NanoverValueError) in
            playing.nextIndex = 1
            try publisher.send(frameIndex: 0, frame: source.topology)
        }
    }

    func registerCommands(on session: NanoverSession) throws {
        let commands = session.commands
        try commands.register(PlaybackCommand.play, mayBlock: false) { [self] _ in
            playing.withLock { $0.paused = false }
            return [:]
        }
        try commands.register(PlaybackCommand.pause, mayBlock: false) { [self] _ in
            playing.withLock { $0.paused = true }
            return [:]
        }
        try commands.register(PlaybackCommand.step, mayBlock: false) { [self] _ in
            try playing.withLock { (playing) throws(NanoverValueError) in
                playing.paused = true
                let index = playing.take()
                try publisher.send(frameIndex: index, frame: source.positions(step: Int(index)))
            }
            return [:]
        }
        for name in [PlaybackCommand.reset, PlaybackCommand.next] {
            try commands.register(name, mayBlock: false) { [self] _ in
                try reset()
                return [:]
            }
        }
        try commands.register(PlaybackCommand.load, defaultArguments: ["index": 0], mayBlock: false) { [self] _ in
            try reset()
            return [:]
        }
        try commands.register(PlaybackCommand.list, mayBlock: false) { [source] _ in
            ["simulations": [.string("synthetic \(source.atoms) atoms")]]
        }
    }
}
