import NanoverCore

/// Reads recordings of gRPC messages for playback: `.traj` entries as
/// `GetFrameResponse`s, `.state` entries as `StateUpdate`s.
public struct ProtobufRecordingDecoder: RecordingDecoder {
    /// The decoder; it keeps nothing between entries.
    public init() {}

    /// The frame and its index in a `.traj` entry's `GetFrameResponse`.
    ///
    /// - Throws: as
    ///   ``/NanoverGRPC/NanoverCore/RecordingEntry/recordedFrame()``.
    public func frame(from entry: RecordingEntry) throws -> ReceivedFrame {
        try entry.recordedFrame()
    }

    /// The change in a `.state` entry's `StateUpdate`: null values are
    /// removals, as on the wire.
    ///
    /// - Throws: as
    ///   ``/NanoverGRPC/NanoverCore/RecordingEntry/recordedStateChange()``.
    public func stateChange(from entry: RecordingEntry) throws -> StateChange {
        try entry.recordedStateChange()
    }
}
