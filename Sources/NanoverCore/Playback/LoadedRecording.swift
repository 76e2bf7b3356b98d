/// A recording opened for playback: both files indexed (messages stay in
/// the files), the keys its state ever sets, and where playback stands.
struct LoadedRecording: Sendable {
    let recording: PlaybackRecording
    let frames: RecordingIndex?
    let state: RecordingIndex?
    /// Every key the recording's state sets, but `scene`: what a reset
    /// removes.
    let changedKeys: Set<String>
    private let decoder: any RecordingDecoder
    private var nextFrame = 0
    private var nextState = 0
    /// Microseconds into the recording.
    private(set) var time: UInt64 = 0

    /// Indexes both files and reads the state once for its keys.
    ///
    /// - Throws: ``PlaybackError``.
    init(_ recording: PlaybackRecording, decoder: any RecordingDecoder) throws(PlaybackError) {
        self.recording = recording
        self.decoder = decoder
        frames = try Self.index(recording.framesPath)
        state = try Self.index(recording.statePath)
        var keys: Set<String> = []
        if let state, let path = recording.statePath {
            for position in 0..<state.count {
                keys.formUnion(try Self.decode(path, position) { try decoder.stateChange(from: state.entry(at: position)) }.updates.keys)
            }
        }
        keys.remove(RecordingPlayer.sceneKey)
        changedKeys = keys
    }

    private static func index(_ path: String?) throws(PlaybackError) -> RecordingIndex? {
        guard let path else { return nil }
        do {
            return try RecordingIndex(path: path)
        } catch {
            throw .unreadable(path: path, error)
        }
    }

    private static func decode<T>(_ path: String, _ position: Int, _ body: () throws -> T) throws(PlaybackError) -> T {
        do {
            return try body()
        } catch let error as RecordingError {
            throw .unreadable(path: path, error)
        } catch {
            throw .undecodable(path: path, entry: position, reason: "\(error)")
        }
    }

    /// Back to the start.
    mutating func rewind() {
        nextFrame = 0
        nextState = 0
        time = 0
    }

    /// When the next entry happens; nil past the last one.
    var nextTime: UInt64? {
        let frameTime = frames.flatMap { nextFrame < $0.count ? $0.locations[nextFrame].timestamp : nil }
        let stateTime = state.flatMap { nextState < $0.count ? $0.locations[nextState].timestamp : nil }
        switch (frameTime, stateTime) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    /// The next moment's frame and state change (both when they share a
    /// timestamp, as the reference merges them); nil past the last entry.
    mutating func takeNext() throws(PlaybackError) -> (frame: ReceivedFrame?, change: StateChange?)? {
        guard let moment = nextTime else { return nil }
        var frame: ReceivedFrame?
        var change: StateChange?
        if let frames, let path = recording.framesPath, nextFrame < frames.count, frames.locations[nextFrame].timestamp == moment {
            let position = nextFrame
            frame = try Self.decode(path, position) { try decoder.frame(from: frames.entry(at: position)) }
            nextFrame += 1
        }
        if let state, let path = recording.statePath, nextState < state.count, state.locations[nextState].timestamp == moment {
            let position = nextState
            change = try Self.decode(path, position) { try decoder.stateChange(from: state.entry(at: position)) }
            nextState += 1
        }
        time = moment
        return (frame, change)
    }

    /// Moves the time on by `elapsed` microseconds; the entries it passes
    /// are handed to `emit`. Returns false at the end of the recording.
    mutating func advance(by elapsed: UInt64, emit: (ReceivedFrame?, StateChange?) throws(PlaybackError) -> Void) throws(PlaybackError) -> Bool {
        let target = time + elapsed
        while let moment = nextTime, moment <= target {
            guard let (frame, change) = try takeNext() else { break }
            try emit(frame, change)
        }
        guard nextTime != nil else { return false }
        time = target
        return true
    }
}
