/// What one entry of a recording publishes: a frame, a state change, or
/// both (a 2026 message may carry both).
public struct RecordedMoment: Sendable {
    /// The frame to publish, with its recorded index; nil for none.
    public var frame: ReceivedFrame?
    /// The state change to apply; nil for none.
    public var change: StateChange?

    /// What one entry publishes.
    ///
    /// - Parameters:
    ///   - frame: The entry's frame, if it holds one.
    ///   - change: The entry's state change, if it holds one.
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
    /// How many entries the file holds; positions run from 0 to one less.
    var count: Int { get }
    /// When the entry at `position` happened: microseconds since the
    /// recording started.
    ///
    /// - Parameter position: The entry's position, from 0.
    /// - Returns: Microseconds since the recording started; never less
    ///   than the entry before.
    func timestamp(at position: Int) -> UInt64
    /// Whether the entry at `position` may change the state, told without
    /// reading it where the format allows: the keys those entries set are
    /// what a reset removes.
    ///
    /// - Parameter position: The entry's position, from 0.
    /// - Returns: False only for an entry known to hold no state change.
    func mayChangeState(at position: Int) -> Bool
    /// The entry at `position`, read and decoded.
    ///
    /// - Parameter position: The entry's position, from 0.
    /// - Returns: What the entry publishes.
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
    /// - Parameter recording: The recording to open.
    /// - Returns: One track per file.
    /// - Throws: ``PlaybackError``: ``PlaybackError/unsupportedFormat(path:)``
    ///   for a format this opener does not read,
    ///   ``PlaybackError/unreadable(path:_:)`` for a file it cannot.
    func tracks(of recording: PlaybackRecording) throws(PlaybackError) -> [any RecordingTrack]
}

/// Opens the `.traj` and `.state` files of recordings, whose entries a
/// ``RecordingDecoder`` reads; refuses other files.
public struct PairedFilesOpener: RecordingOpener {
    /// What reads the files' entries.
    public let decoder: any RecordingDecoder

    /// An opener of `.traj` and `.state` files.
    ///
    /// - Parameter decoder: What reads their entries
    ///   (`ProtobufRecordingDecoder` in `NanoverGRPC`).
    public init(decoder: any RecordingDecoder) {
        self.decoder = decoder
    }

    /// A track for each of the recording's `.traj` and `.state` files,
    /// indexed in one pass over their entries' headers.
    ///
    /// - Parameter recording: The recording to open.
    /// - Returns: Its frames track, then its state track, for those it has.
    /// - Throws: ``PlaybackError/unsupportedFormat(path:)`` for a
    ///   `.nanover.zip`; ``PlaybackError/unreadable(path:_:)`` for a file
    ///   that is not a readable recording.
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
