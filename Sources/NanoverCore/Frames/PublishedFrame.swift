/// A frame as subscribers receive it: its index and content, and the forms
/// each protocol encodes it into, made once and shared by every subscriber
/// that is sent this very frame.
public final class PublishedFrame: Sendable {
    /// 0 for a reset: clients throw away what they had.
    public let index: UInt32
    public let frame: Frame
    private let forms = EncodedForms()

    public init(index: UInt32, frame: Frame) {
        self.index = index
        self.frame = frame
    }

    /// This frame in `encoding`'s form, made at most once.
    public func encoded<Encoding: FrameEncoding>(as encoding: Encoding.Type) -> Encoding.Encoded {
        forms.form(for: encoding) { Encoding.encode(index: index, frame: frame) }
    }
}

/// A protocol's wire form of a published frame.
public protocol FrameEncoding {
    associatedtype Encoded: Sendable
    static func encode(index: UInt32, frame: Frame) -> Encoded
}
