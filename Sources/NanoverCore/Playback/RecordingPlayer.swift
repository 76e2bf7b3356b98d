import Synchronization

/// Plays recordings through a session, as the reference's playback runner
/// does: the entries of its files (a `.traj` and a `.state`, or one
/// `.nanover.zip`) merged by timestamp and replayed in real time, each when it is due (the reference ticks 30 times a second, so a
/// 60 Hz recording reaches its clients in pairs), looping back to a reset
/// at the end; under the `playback/*` commands (``registerCommands()``).
///
/// A reset publishes an empty frame with index 0, sets `scene` to identity
/// and removes every key the recording's state ever sets. Each recorded
/// frame is published with its recorded index (and nothing added to it:
/// the reference leaks an `index` key into frames), without the recorded
/// `system.simulation.counter`, which is the hub's own; each recorded state
/// change is applied after every lock is cleared. Loading a recording
/// first removes the keys of the users of the one before (`avatar.`,
/// `playarea.`, `selection.`, `interaction.`, and `scene`) and clears every
/// lock. Only one entry is held in memory at a time.
public final class RecordingPlayer: Sendable {
    /// The identity pose of the scene: position, rotation (x, y, z, w), scale.
    public static let sceneIdentity: NanoverValue = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    static let sceneKey = "scene"
    /// What loading another recording removes, besides `scene`.
    public static let userKeyPrefixes = ["avatar.", "playarea.", "selection.", "interaction."]

    private struct Playing {
        var loaded: LoadedRecording?
        var index = 0
        var paused = false
        /// Why nothing is loaded, when loading failed.
        var failure: PlaybackError?
        /// When the last reset happened, on the player's clock, until the
        /// next tick: the time before it (loading included) is not the new
        /// start's to play.
        var resetAt: Duration?
    }

    /// The recordings it plays, in the order `playback/list` lists them.
    public let recordings: [PlaybackRecording]
    /// The session it publishes frames and applies state changes to.
    public let session: NanoverSession
    /// The longest it sleeps between two looks at the recording, when no
    /// entry is due sooner: 1/30 s by default. Entries are published when
    /// they are due, not on this tick.
    public let tickInterval: Duration
    private let opener: any RecordingOpener
    private let clock: any MonotonicClock
    private let playing = Mutex(Playing())

    /// A player of `recordings`, opened by `opener`, nothing loaded until
    /// ``run()`` or a `playback/load`.
    ///
    /// - Parameters:
    ///   - recordings: What to play; the first is loaded by ``run()``.
    ///   - session: Where to play it.
    ///   - opener: What reads the recordings' files: one format's, or a
    ///     program's choice by file name (the hub's reads both formats).
    ///   - clock: The clock that paces playback.
    ///   - tickInterval: The longest sleep between two looks at the
    ///     recording.
    public init(
        recordings: [PlaybackRecording], session: NanoverSession, opener: any RecordingOpener,
        clock: any MonotonicClock = SystemClock(), tickInterval: Duration = .seconds(1.0 / 30)
    ) {
        self.recordings = recordings
        self.session = session
        self.opener = opener
        self.clock = clock
        self.tickInterval = tickInterval
    }

    /// A player of `.traj` and `.state` recordings whose entries `decoder`
    /// reads.
    ///
    /// - Parameters:
    ///   - recordings: What to play; the first is loaded by ``run()``.
    ///   - session: Where to play it.
    ///   - decoder: What turns the files' messages into frames and state
    ///     changes (`ProtobufRecordingDecoder` in `NanoverGRPC`).
    ///   - clock: The clock that paces playback.
    ///   - tickInterval: The longest sleep between two looks at the
    ///     recording.
    public convenience init(
        recordings: [PlaybackRecording], session: NanoverSession, decoder: any RecordingDecoder,
        clock: any MonotonicClock = SystemClock(), tickInterval: Duration = .seconds(1.0 / 30)
    ) {
        self.init(recordings: recordings, session: session, opener: PairedFilesOpener(decoder: decoder), clock: clock, tickInterval: tickInterval)
    }

    /// Loads the first recording, then plays in real time until the task
    /// is cancelled.
    public func run() async {
        if !recordings.isEmpty {
            try? load(0)
        }
        var last = clock.now
        while !Task.isCancelled {
            // Woken for the next entry when it is due, and at least every
            // tick interval: a 60 Hz recording replays at 60 Hz, not in
            // pairs at the reference's 30 ticks a second.
            let wait = min(tickInterval, untilNextEntry ?? tickInterval)
            do {
                try await clock.sleep(until: last + wait)
            } catch {
                return
            }
            let now = clock.now
            // Played from the last reset if one came since the last tick: a
            // recording loaded by a command starts at its start, not with
            // the time its loading took played at once.
            let reset = playing.withLock { playing in
                defer { playing.resetAt = nil }
                return playing.resetAt
            }
            tick(elapsed: now - max(last, reset ?? last))
            last = now
        }
    }

    /// Opens every recording once, as loading would: what cannot be played
    /// is found before anyone asks for it.
    ///
    /// - Throws: ``PlaybackError`` for the first that cannot.
    public func check() throws(PlaybackError) {
        for recording in recordings {
            _ = try LoadedRecording(recording, opener: opener)
        }
    }

    /// How long until the next entry is due; nil when paused or nothing is
    /// loaded.
    var untilNextEntry: Duration? {
        playing.withLock { playing in
            guard !playing.paused, let loaded = playing.loaded, let next = loaded.nextTime else { return nil }
            return .microseconds(Int64(clamping: next > loaded.time ? next - loaded.time : 0))
        }
    }

    /// The name of the recording loaded, if any.
    public var loadedName: String? {
        playing.withLock { $0.loaded?.recording.name }
    }

    /// Whether playback is paused.
    public var isPaused: Bool {
        playing.withLock { $0.paused }
    }

    // MARK: Controls (what the commands call)

    /// Loads the recording at `index` (modulo the number of recordings),
    /// after clearing the users' keys and every lock, resets, and plays.
    ///
    /// - Parameter index: Which recording; any number, taken modulo their
    ///   count (`-1` is the last). Nothing happens with no recordings.
    /// - Throws: ``PlaybackError`` when its files cannot be read; nothing
    ///   is loaded then.
    public func load(_ index: Int) throws(PlaybackError) {
        guard !recordings.isEmpty else { return }
        let position = ((index % recordings.count) + recordings.count) % recordings.count
        try playing.withLock { (playing) throws(PlaybackError) in
            clearUsers()
            playing.index = position
            playing.paused = false
            playing.loaded = nil
            do throws(PlaybackError) {
                playing.loaded = try LoadedRecording(recordings[position], opener: opener)
                playing.failure = nil
            } catch {
                playing.failure = error
                publishReset(changedKeys: [])
                throw error
            }
            try reset(&playing)
        }
    }

    /// Loads the next recording, looping after the last.
    ///
    /// - Throws: ``PlaybackError`` when its files cannot be read.
    public func next() throws(PlaybackError) {
        try load(playing.withLock { $0.index } + 1)
    }

    /// Plays on from where playback stands, after ``pause()`` or
    /// ``step()``.
    ///
    /// - Throws: ``CommandError/cannotRunNow(_:)`` when no recording is
    ///   loaded.
    public func play() throws(CommandError) {
        try withLoaded { playing in playing.paused = false }
    }

    /// Stops where playback stands; ``play()`` goes on from there.
    ///
    /// - Throws: ``CommandError/cannotRunNow(_:)`` when no recording is
    ///   loaded.
    public func pause() throws(CommandError) {
        try withLoaded { playing in playing.paused = true }
    }

    /// Back to the start of the loaded recording: an empty frame with
    /// index 0, `scene` at identity, the recording's keys removed.
    ///
    /// - Throws: ``CommandError/cannotRunNow(_:)`` when no recording is
    ///   loaded.
    public func reset() throws(CommandError) {
        try withLoaded { (playing) throws(CommandError) in
            do { try reset(&playing) } catch { throw .cannotRunNow("\(error)") }
        }
    }

    /// Pauses, then plays exactly one entry (the first after a reset, at
    /// the end). Entries of the `.traj` and `.state` files stamped with the
    /// same time are one step.
    ///
    /// - Throws: ``CommandError/cannotRunNow(_:)`` when no recording is
    ///   loaded or its next entry cannot be read.
    public func step() throws(CommandError) {
        try withLoaded { (playing) throws(CommandError) in
            playing.paused = true
            do {
                if playing.loaded?.nextTime == nil {
                    try reset(&playing)
                }
                for moment in try playing.loaded?.takeNext() ?? [] {
                    emit(moment)
                }
            } catch {
                throw .cannotRunNow("\(error)")
            }
        }
    }

    // MARK: Playing

    /// Plays what `elapsed` covers, unless paused; resets at the end.
    package func tick(elapsed: Duration) {
        let microseconds = elapsed.wholeMicroseconds
        playing.withLock { playing in
            guard !playing.paused, var loaded = playing.loaded else { return }
            do throws(PlaybackError) {
                let more = try loaded.advance(by: microseconds) { moment in emit(moment) }
                playing.loaded = loaded
                if !more, loaded.hasEntries {
                    try reset(&playing)
                }
            } catch {
                // A recording that turns out unreadable midway stops, as
                // the reference's does; loading again tries anew.
                playing.failure = error
                playing.loaded = nil
                publishReset(changedKeys: [])
            }
        }
    }

    private func reset(_ playing: inout Playing) throws(PlaybackError) {
        guard var loaded = playing.loaded else { return }
        loaded.rewind()
        playing.loaded = loaded
        playing.resetAt = clock.now
        publishReset(changedKeys: loaded.changedKeys)
    }

    private func publishReset(changedKeys: Set<String>) {
        try? session.frames.send(frameIndex: 0, frame: Frame())
        try? session.state.update(StateChange(updates: [Self.sceneKey: Self.sceneIdentity], removals: changedKeys))
    }

    private func emit(_ moment: RecordedMoment) {
        if var frame = moment.frame {
            // The counter of resets is this hub's: a recorded one (a
            // recording's first frame carries its server's) would overwrite
            // it in the merged frame.
            frame.frame.values[FrameKey.simulationCounter] = nil
            try? session.frames.send(frameIndex: frame.index, frame: frame.frame)
        }
        if let change = moment.change {
            session.state.clearLocks()
            try? session.state.update(change)
        }
    }

    private func clearUsers() {
        let keys = session.state.copyState().keys.filter { key in
            key == Self.sceneKey || Self.userKeyPrefixes.contains { key.hasPrefix($0) }
        }
        session.state.clearLocks()
        try? session.state.update(StateChange(removals: Set(keys)))
    }

    private func withLoaded(_ body: (inout Playing) throws(CommandError) -> Void) throws(CommandError) {
        try playing.withLock { (playing) throws(CommandError) in
            guard playing.loaded != nil else {
                if let failure = playing.failure {
                    throw .cannotRunNow("no recording is loaded: \(failure)")
                }
                throw .cannotRunNow("no recording is loaded")
            }
            try body(&playing)
        }
    }
}
