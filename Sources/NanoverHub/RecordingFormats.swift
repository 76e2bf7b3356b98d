import NanoverCore
import NanoverGRPC
import NanoverWebSocket

/// The recording formats the hub and the command line read and write,
/// chosen by file name: a path ending in `.nanover.zip` is the NanoVer 2026
/// format (MessagePack messages in a zip); any other path is the prefix
/// (for writing) or one file (for reading) of the gRPC-era `.traj` and
/// `.state` pair.
public enum RecordingFormats {
    /// Whether `path` names a 2026 recording.
    public static func isMessageRecording(_ path: String) -> Bool {
        MessageRecordingFormat.names(path)
    }

    /// Where a session recorder writes `path`: `path` itself for a
    /// `.nanover.zip`, else `path.traj` and `path.state`.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public static func sessionSink(path: String) throws(RecordingError) -> any SessionRecordingSink {
        isMessageRecording(path) ? try MessageRecordingWriter(path: path) : try ProtobufRecordingFiles(prefix: path)
    }

    /// Where a recorder of a gRPC server writes `path`: the messages as
    /// received to `path.traj` and `path.state`, or converted to their 2026
    /// form for a `.nanover.zip`.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public static func serverSink(path: String) throws(RecordingError) -> any ProtobufRecordingSink {
        isMessageRecording(path) ? ConvertingRecordingSink(writer: try MessageRecordingWriter(path: path)) : try ProtobufRecordingFiles(prefix: path)
    }

    /// Where a recorder of a 2026 server writes `path`: the messages as
    /// received to a `.nanover.zip`, or converted to their gRPC form in
    /// `path.traj` and `path.state`.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public static func webSocketServerSink(path: String) throws(RecordingError) -> any ReceivedMessageSink {
        isMessageRecording(path) ? try MessageRecordingWriter(path: path) : ProtobufConvertingSink(files: try ProtobufRecordingFiles(prefix: path))
    }

    /// The files a recorder of `path` writes, for a program to say: `{"path":
    /// ...}` for a `.nanover.zip`, else `{"traj": ..., "state": ...}`.
    public static func writtenFiles(path: String) -> NanoverStruct {
        isMessageRecording(path) ? ["path": .string(path)] : ["traj": .string(path + ".traj"), "state": .string(path + ".state")]
    }

    /// What the recording file at `path` holds, read through.
    ///
    /// - Throws: ``/NanoverCore/RecordingSummaryError``,
    ///   ``/NanoverCore/RecordingError``.
    public static func summary(path: String) throws -> RecordingSummary {
        isMessageRecording(path) ? try RecordingSummary(messageRecordingPath: path) : try RecordingSummary(path: path)
    }
}

/// Opens recordings of both formats for playback: `.traj` and `.state`
/// files of gRPC messages, `.nanover.zip` files of 2026 messages.
public struct HubRecordingOpener: RecordingOpener {
    /// The opener; it keeps nothing between recordings.
    public init() {}

    /// The tracks of `recording`: one of 2026 messages for a
    /// `.nanover.zip`, else a frames track and a state track for whichever
    /// of its `.traj` and `.state` files it has.
    ///
    /// - Throws: ``/NanoverCore/PlaybackError/unreadable(path:_:)`` for a
    ///   file that cannot be opened as a recording.
    public func tracks(of recording: PlaybackRecording) throws(NanoverCore.PlaybackError) -> [any RecordingTrack] {
        guard let path = recording.messagesPath else {
            return try PairedFilesOpener(decoder: ProtobufRecordingDecoder()).tracks(of: recording)
        }
        do {
            return [try MessageRecordingTrack(path: path)]
        } catch {
            throw .unreadable(path: path, error)
        }
    }
}

/// A 2026 recording of a gRPC server: each `GetFrameResponse` and
/// `StateUpdate` converted to the message a 2026 client would have been
/// sent.
final class ConvertingRecordingSink: ProtobufRecordingSink {
    let writer: MessageRecordingWriter

    init(writer: MessageRecordingWriter) {
        self.writer = writer
    }

    func appendFrameResponse(_ message: [UInt8], at timestamp: UInt64) throws {
        try writer.append(RecordingEntry(timestamp: timestamp, message: message).recordedFrame(), at: timestamp)
    }

    func appendStateUpdate(_ message: [UInt8], at timestamp: UInt64) throws {
        try writer.append(RecordingEntry(timestamp: timestamp, message: message).recordedStateChange(), at: timestamp)
    }

    func close() throws {
        try writer.close()
    }
}

/// A gRPC-era recording of a 2026 server: each state message converted to
/// the `StateUpdate` and each frame message to the `GetFrameResponse` a
/// gRPC client would have been sent.
final class ProtobufConvertingSink: ReceivedMessageSink {
    let files: ProtobufRecordingFiles

    init(files: ProtobufRecordingFiles) {
        self.files = files
    }

    func append(_ message: [UInt8], holding decoded: IncomingMessage, at timestamp: UInt64) throws {
        if let change = decoded.state {
            try files.appendStateUpdate(RecordingEntry.stateUpdate(change, at: timestamp).message, at: timestamp)
        }
        if let frame = decoded.frame {
            try files.appendFrameResponse(RecordingEntry.frame(frame, at: timestamp).message, at: timestamp)
        }
    }

    func close() {
        files.close()
    }
}
