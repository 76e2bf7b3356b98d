/// A recording opened for playback: its files' tracks (messages stay in
/// the files), the keys its state ever sets, and where playback stands.
struct LoadedRecording: Sendable {
    let recording: PlaybackRecording
    let tracks: [any RecordingTrack]
    /// Every key the recording's state sets, but `scene`: what a reset
    /// removes.
    let changedKeys: Set<String>
    /// Each track's next entry.
    private var next: [Int]
    /// Microseconds into the recording.
    private(set) var time: UInt64 = 0

    /// Opens the recording's files and reads its state changes once for
    /// their keys.
    ///
    /// - Throws: ``PlaybackError``.
    init(_ recording: PlaybackRecording, opener: any RecordingOpener) throws(PlaybackError) {
        self.recording = recording
        tracks = try opener.tracks(of: recording)
        next = Array(repeating: 0, count: tracks.count)
        var keys: Set<String> = []
        for track in tracks {
            for position in 0..<track.count where track.mayChangeState(at: position) {
                if let change = try Self.decode(track, position).change {
                    keys.formUnion(change.updates.keys)
                }
            }
        }
        keys.remove(RecordingPlayer.sceneKey)
        changedKeys = keys
    }

    private static func decode(_ track: any RecordingTrack, _ position: Int) throws(PlaybackError) -> RecordedMoment {
        do {
            return try track.moment(at: position)
        } catch let error as RecordingError {
            throw .unreadable(path: track.path, error)
        } catch {
            throw .undecodable(path: track.path, entry: position, reason: "\(error)")
        }
    }

    /// Whether any file holds an entry.
    var hasEntries: Bool {
        tracks.contains { $0.count > 0 }
    }

    /// Back to the start.
    mutating func rewind() {
        next = Array(repeating: 0, count: tracks.count)
        time = 0
    }

    /// When the next entry happens; nil past the last one.
    var nextTime: UInt64? {
        zip(tracks, next).compactMap { track, position in position < track.count ? track.timestamp(at: position) : nil }.min()
    }

    /// The next moment's entries: one from each track due then (a frame
    /// and a state change that share a timestamp, as the reference merges
    /// them), in the order of the tracks; nil past the last entry.
    mutating func takeNext() throws(PlaybackError) -> [RecordedMoment]? {
        guard let moment = nextTime else { return nil }
        var moments: [RecordedMoment] = []
        for (number, track) in tracks.enumerated() where next[number] < track.count && track.timestamp(at: next[number]) == moment {
            moments.append(try Self.decode(track, next[number]))
            next[number] += 1
        }
        time = moment
        return moments
    }

    /// Moves the time on by `elapsed` microseconds; the entries it passes
    /// are handed to `emit`. Returns false at the end of the recording.
    mutating func advance(by elapsed: UInt64, emit: (RecordedMoment) throws(PlaybackError) -> Void) throws(PlaybackError) -> Bool {
        let target = time + elapsed
        while let moment = nextTime, moment <= target {
            guard let moments = try takeNext() else { break }
            for recorded in moments {
                try emit(recorded)
            }
        }
        guard nextTime != nil else { return false }
        time = target
        return true
    }
}
