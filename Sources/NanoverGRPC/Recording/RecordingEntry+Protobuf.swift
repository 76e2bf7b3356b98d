import NanoverCore
import NanoverProtocol
import SwiftProtobuf

/// The gRPC protocol's messages in recording files: a `.traj` entry holds a
/// `GetFrameResponse`, a `.state` entry a `StateUpdate` (a null value is a
/// removal, as on the wire), as the reference writes them.
extension RecordingEntry {
    /// The frame this `.traj` entry holds.
    ///
    /// - Throws: `SwiftProtobuf.BinaryDecodingError` for bytes that are not a
    ///   `GetFrameResponse`; ``/NanoverCore/NanoverValueError`` for a value
    ///   nested too deeply.
    public func recordedFrame() throws -> ReceivedFrame {
        let response = try Nanover_Protocol_Trajectory_GetFrameResponse(serializedBytes: message)
        return ReceivedFrame(index: response.frameIndex, frame: try Frame(protobuf: response.frame))
    }

    /// The state change this `.state` entry holds.
    ///
    /// - Throws: as ``recordedFrame()``, for a `StateUpdate`.
    public func recordedStateChange() throws -> StateChange {
        let update = try Nanover_Protocol_State_StateUpdate(serializedBytes: message)
        return StateChange(protobufChangedKeys: try NanoverStruct(protobuf: update.changedKeys))
    }

    /// A `.traj` entry of `frame` at `timestamp` microseconds.
    public static func frame(_ frame: PublishedFrame, at timestamp: UInt64) -> RecordingEntry {
        RecordingEntry(timestamp: timestamp, message: frame.encoded(as: ProtobufFrameResponse.self))
    }

    /// A `.state` entry of `update` at `timestamp` microseconds.
    public static func stateUpdate(_ update: SubscriptionUpdate, at timestamp: UInt64) -> RecordingEntry {
        RecordingEntry(timestamp: timestamp, message: SubscriptionUpdateSerializer.bytes(of: update))
    }

    /// A `.traj` entry of a frame received from a server (a 2026 server,
    /// say) at `timestamp` microseconds: its `GetFrameResponse`.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError`` for a value nested too
    ///   deeply.
    public static func frame(_ received: ReceivedFrame, at timestamp: UInt64) throws -> RecordingEntry {
        var response = Nanover_Protocol_Trajectory_GetFrameResponse()
        response.frameIndex = received.index
        response.frame = try received.frame.protobufFrameData()
        return RecordingEntry(timestamp: timestamp, message: try response.serializedBytes())
    }

    /// A `.state` entry of a change received from a server at `timestamp`
    /// microseconds: its `StateUpdate`, where a key set to nil is a
    /// removal, as over gRPC.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError`` for a value nested too
    ///   deeply.
    public static func stateUpdate(_ change: StateChange, at timestamp: UInt64) throws -> RecordingEntry {
        var update = Nanover_Protocol_State_StateUpdate()
        update.changedKeys = try change.protobufChangedKeys.protobufStruct()
        return RecordingEntry(timestamp: timestamp, message: try update.serializedBytes())
    }
}
