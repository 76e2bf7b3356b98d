/// A frame as subscribers receive it: its index and content, and the forms
/// each protocol encodes it into, made once and shared by every subscriber
/// that is sent this very frame.
public final class PublishedFrame: Sendable {
    /// 0 for a reset: clients throw away what they had.
    public let index: UInt32
    /// The frame's content: what changed, with the publisher's
    /// ``FrameKey/serverTimestamp``; for a subscriber's first message, the
    /// merged current frame.
    public let frame: Frame
    private let forms = EncodedForms()

    /// A frame to hand to subscribers or to a recording sink. The publisher
    /// makes these; make one yourself to record or encode a frame apart
    /// from a session.
    ///
    /// - Parameters:
    ///   - index: The frame's index; 0 for a reset.
    ///   - frame: Its content.
    public init(index: UInt32, frame: Frame) {
        self.index = index
        self.frame = frame
    }

    /// This frame in `encoding`'s form, made at most once: the first
    /// subscriber of a protocol to need it encodes it, and every other one
    /// reuses the result.
    ///
    /// - Parameter encoding: The protocol's encoding.
    /// - Returns: The encoded form.
    public func encoded<Encoding: FrameEncoding>(as encoding: Encoding.Type) -> Encoding.Encoded {
        forms.form(for: encoding) { Encoding.encode(index: index, frame: frame) }
    }
}

/// A protocol's wire form of a published frame: each adapter has one (a
/// protobuf `GetFrameResponse` for gRPC, a MessagePack frame message for
/// NanoVer 2026), used through ``PublishedFrame/encoded(as:)``.
public protocol FrameEncoding {
    /// The encoded form, such as the bytes of a message.
    associatedtype Encoded: Sendable
    /// Encodes one frame.
    ///
    /// - Parameters:
    ///   - index: The frame's index; 0 for a reset.
    ///   - frame: The frame.
    /// - Returns: The frame in this protocol's form.
    static func encode(index: UInt32, frame: Frame) -> Encoded
}
