import NIOCore
import NanoverCore

/// A published frame as a 2026 frame message in a buffer ready to send:
/// made once per frame, and sent as it is by every connection, with no copy
/// per connection (frames of thousands of atoms, 30 to 60 times a second,
/// to every headset in the room).
public enum MessagePackFrameBuffer: FrameEncoding {
    /// The frame message `{"frame": {...}}` of `frame` with `index` (see
    /// ``OutgoingMessage/frame(index:_:)``), in a buffer.
    ///
    /// - Parameters:
    ///   - index: The frame's index, sent as `frame.index`.
    ///   - frame: The frame.
    /// - Returns: The whole message.
    public static func encode(index: UInt32, frame: Frame) -> ByteBuffer {
        ByteBuffer(bytes: OutgoingMessage.frame(index: index, frame))
    }
}
