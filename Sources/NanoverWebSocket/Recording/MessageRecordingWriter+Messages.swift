import NIOCore
import NanoverCore

/// What a 2026 client is sent, written as it would receive it: state
/// updates as state messages, frames as frame messages, a state message
/// first (an empty one if a frame comes before the state), the recording's
/// first frame with index 0 (a new client's first frame is the merged frame
/// since the last reset, with index 0).
extension MessageRecordingWriter: SessionRecordingSink {
    /// Appends a published frame in its 2026 form: the very message its
    /// 2026 subscribers are sent, encoded once for them and the recording.
    public func append(_ frame: PublishedFrame, at timestamp: UInt64) throws(RecordingError) {
        try appendFrame(at: timestamp) { first in
            first && frame.index != 0
                ? (0, OutgoingMessage.frame(index: 0, frame.frame))
                : (frame.index, Array(frame.encoded(as: MessagePackFrameBuffer.self).readableBytesView))
        }
    }

    /// Appends a frame received from a server (over gRPC, say), in its
    /// 2026 form.
    public func append(_ received: ReceivedFrame, at timestamp: UInt64) throws(RecordingError) {
        try appendFrame(at: timestamp) { first in
            let index = first ? 0 : received.index
            return (index, OutgoingMessage.frame(index: index, received.frame))
        }
    }

    /// Appends a state subscription's update as the state message its 2026
    /// subscribers are sent: the same message, when the update is one they
    /// share.
    public func append(_ update: SubscriptionUpdate, at timestamp: UInt64) throws(RecordingError) {
        try append(Array(update.encoded(as: MessagePackStateMessage.self).readableBytesView), types: ["state"], at: timestamp)
    }

    /// Appends a state change received from a server, in its 2026 form.
    public func append(_ change: StateChange, at timestamp: UInt64) throws(RecordingError) {
        try append(OutgoingMessage.state(change), types: ["state"], at: timestamp)
    }

    /// The empty state message a 2026 client is sent first when the state
    /// has no keys (unless a frame came first and put one there already).
    public func appendEmptyFirstState(at timestamp: UInt64) throws(RecordingError) {
        try appendEmptyStateIfFirst(at: timestamp)
    }
}
