import NanoverCore

/// A 2026 recording as playback reads it: each message's state and frame
/// (its commands, if any, are not played), one message at a time.
public struct MessageRecordingTrack: RecordingTrack {
    /// The recording played.
    public let recording: MessageRecording

    /// The track of a recording already opened.
    public init(_ recording: MessageRecording) {
        self.recording = recording
    }

    /// Opens the recording at `path`.
    ///
    /// - Throws: what ``MessageRecording/init(path:)`` throws.
    public init(path: String) throws(RecordingError) {
        self.init(try MessageRecording(path: path))
    }

    /// The recording's file, for errors.
    public var path: String { recording.path }
    /// How many messages the recording holds.
    public var count: Int { recording.entries.count }

    /// When the message at `position` came: microseconds since the
    /// recording started, from the index.
    public func timestamp(at position: Int) -> UInt64 {
        recording.entries[position].timestamp
    }

    /// Whether the message at `position` may carry a state change: its
    /// index entry lists `state`, or lists no types at all.
    public func mayChangeState(at position: Int) -> Bool {
        recording.entries[position].mayHold("state")
    }

    /// The state change and frame of the message at `position`.
    ///
    /// - Throws: ``/NanoverCore/RecordingError`` for a file that cannot be read,
    ///   ``WebSocketMessageError`` for a message that is not a 2026 message.
    public func moment(at position: Int) throws -> RecordedMoment {
        let message = try IncomingMessage(bytes: try recording.message(at: position), readingCommands: false)
        return RecordedMoment(frame: message.frame, change: message.state)
    }
}

extension RecordingSummary {
    /// Reads the 2026 recording at `path` through: its index, every message
    /// (one that is not a 2026 message counted as undecodable), and
    /// `messages.msgpack` against its CRC-32.
    ///
    /// - Throws: ``/NanoverCore/RecordingError`` for a file that is not a readable
    ///   recording.
    public init(messageRecordingPath path: String) throws(RecordingError) {
        let track = try MessageRecordingTrack(path: path)
        self.init(path: path, kind: .messages)
        for position in 0..<track.count {
            let moment: RecordedMoment?
            do {
                moment = try track.moment(at: position)
            } catch let error as RecordingError {
                throw error
            } catch {
                moment = nil
            }
            add(moment, at: track.timestamp(at: position))
        }
        try track.recording.verify()
    }
}
