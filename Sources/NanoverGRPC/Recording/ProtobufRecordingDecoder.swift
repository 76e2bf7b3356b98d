import NanoverCore

/// Reads recordings of gRPC messages for playback: `.traj` entries as
/// `GetFrameResponse`s, `.state` entries as `StateUpdate`s.
public struct ProtobufRecordingDecoder: RecordingDecoder {
    public init() {}

    public func frame(from entry: RecordingEntry) throws -> ReceivedFrame {
        try entry.recordedFrame()
    }

    public func stateChange(from entry: RecordingEntry) throws -> StateChange {
        try entry.recordedStateChange()
    }
}
