/// What one entry of a recording publishes: a frame, a state change, or
/// both (a 2026 message may carry both).
public struct RecordedMoment: Sendable {
    public var frame: ReceivedFrame?
    public var change: StateChange?

    public init(frame: ReceivedFrame? = nil, change: StateChange? = nil) {
        self.frame = frame
        self.change = change
    }
}

/// One file's entries in recorded order, read one at a time as playback
/// reaches them: a `.traj` or `.state` file, or a `.nanover.zip`. The
/// format that reads the file provides it (see ``RecordingOpener``).
public protocol RecordingTrack: Sendable {
    /// The file the entries are read from, for errors.
    var path: String { get }
    var count: Int { get }
    /// When the entry at `position` happened: microseconds since the
    /// recording started.
    func timestamp(at position: Int) -> UInt64
    /// Whether the entry at `position` may change the state, told without
    /// reading it where the format allows: the keys those entries set are
    /// what a reset removes.
    func mayChangeState(at position: Int) -> Bool
    /// The entry at `position`, read and decoded.
    ///
    /// - Throws: ``RecordingError`` for a file that cannot be read; any
    ///   other error for an entry that cannot be decoded.
    func moment(at position: Int) throws -> RecordedMoment
}

/// Opens recordings for playback, as tracks of entries: the protocol
/// adapters whose messages the files hold know how to read them, and a
/// program composes the ones it plays.
public protocol RecordingOpener: Sendable {
    /// The tracks of `recording`'s files, played merged by timestamp.
    ///
    /// - Throws: ``PlaybackError``.
    func tracks(of recording: PlaybackRecording) throws(PlaybackError) -> [any RecordingTrack]
}

/// Opens the `.traj` and `.state` files of recordings, whose entries a
/// ``RecordingDecoder`` reads; refuses other files.
public struct PairedFilesOpener: RecordingOpener {
    public let decoder: any RecordingDecoder

    public init(decoder: any RecordingDecoder) {
        self.decoder = decoder
    }

    public func tracks(of recording: PlaybackRecording) throws(PlaybackError) -> [any RecordingTrack] {
        if let path = recording.messagesPath {
            throw .unsupportedFormat(path: path)
        }
        var tracks: [any RecordingTrack] = []
        if let path = recording.framesPath {
            tracks.append(EntryFileTrack(path: path, index: try Self.index(path), holdsState: false, decoder: decoder))
        }
        if let path = recording.statePath {
            tracks.append(EntryFileTrack(path: path, index: try Self.index(path), holdsState: true, decoder: decoder))
        }
        return tracks
    }

    private static func index(_ path: String) throws(PlaybackError) -> RecordingIndex {
        do {
            return try RecordingIndex(path: path)
        } catch {
            throw .unreadable(path: path, error)
        }
    }
}

/// A `.traj` file (frames) or a `.state` file (state changes), indexed.
struct EntryFileTrack: RecordingTrack {
    let path: String
    let index: RecordingIndex
    let holdsState: Bool
    let decoder: any RecordingDecoder

    var count: Int { index.count }

    func timestamp(at position: Int) -> UInt64 {
        index.locations[position].timestamp
    }

    func mayChangeState(at position: Int) -> Bool {
        holdsState
    }

    func moment(at position: Int) throws -> RecordedMoment {
        let entry = try index.entry(at: position)
        return holdsState ? RecordedMoment(change: try decoder.stateChange(from: entry)) : RecordedMoment(frame: try decoder.frame(from: entry))
    }
}
