import NanoverCore
import NanoverMessagePack

/// The NanoVer 2026 recording format, `NAME.nanover.zip`: an uncompressed
/// zip of two members, `messages.msgpack` (each message a client received,
/// MessagePack-encoded, one after another) and `index.msgpack` (a
/// MessagePack array of one map per message: `{"offset", "length",
/// "metadata": {"types": [the message's top-level keys], "frame.index"
/// (frames only), "timestamp": microseconds since the recording
/// started}}`), as the reference writes it.
public enum MessageRecordingFormat {
    /// The member holding the messages, one after another.
    public static let messagesMember = "messages.msgpack"
    /// The member holding the index, one entry per message.
    public static let indexMember = "index.msgpack"
    /// The file name ending: recordings are chosen by it.
    public static let fileExtension = PlaybackRecording.messagesExtension

    /// Whether `path` names a 2026 recording: it ends with
    /// ``fileExtension``; any other path is a `.traj`/`.state` recording.
    public static func names(_ path: String) -> Bool {
        path.hasSuffix(fileExtension)
    }
}

/// One message of a 2026 recording, as its index entry says: where its
/// bytes are in `messages.msgpack`, when it came, and what it holds.
public struct MessageRecordingEntry: Sendable, Hashable {
    /// Bytes from the start of `messages.msgpack`.
    public var offset: UInt64
    /// The message's size in bytes.
    public var length: UInt64
    /// Microseconds since the recording started.
    public var timestamp: UInt64
    /// The message's top-level keys (`"state"`, `"frame"`); nil when the
    /// index does not say, and the message must be read to know.
    public var types: [String]?
    /// The frame's `frame.index`, for a frame message.
    public var frameIndex: UInt32?

    /// An entry of these fields.
    ///
    /// - Parameters:
    ///   - offset: Where the message starts in `messages.msgpack`.
    ///   - length: Its size in bytes.
    ///   - timestamp: Microseconds since the recording started.
    ///   - types: Its top-level keys; nil when not known.
    ///   - frameIndex: The frame's index, for a frame message.
    public init(offset: UInt64, length: UInt64, timestamp: UInt64, types: [String]?, frameIndex: UInt32? = nil) {
        self.offset = offset
        self.length = length
        self.timestamp = timestamp
        self.types = types
        self.frameIndex = frameIndex
    }

    /// Whether the message may hold `type`: it does, or the index does not
    /// say.
    public func mayHold(_ type: String) -> Bool {
        types?.contains(type) ?? true
    }

    /// The entry as the index holds it, keys in the reference's order.
    var messagePackValue: MessagePackValue {
        var metadata: [(MessagePackValue, MessagePackValue)] = []
        if let types {
            metadata.append((.string("types"), .array(types.map(MessagePackValue.string))))
        }
        if let frameIndex {
            metadata.append((.string(PackedFrameKeys.frameIndex), .uint(UInt64(frameIndex))))
        }
        metadata.append((.string("timestamp"), .uint(timestamp)))
        return .map([(.string("offset"), .uint(offset)), (.string("length"), .uint(length)), (.string("metadata"), .map(metadata))])
    }

    /// The entry an index map holds. Keys the format does not name are
    /// ignored.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/badIndex(_:)`` saying what is wrong with
    ///   entry `number`.
    init(_ value: MessagePackValue, number: Int) throws(RecordingError) {
        func bad(_ reason: String) -> RecordingError {
            .badIndex("entry \(number) \(reason)")
        }
        guard case .map(let fields) = value else { throw bad("is not a map") }
        guard let offset = Self.field("offset", in: fields)?.unsignedInteger else { throw bad("has no offset, a whole number from 0") }
        guard let length = Self.field("length", in: fields)?.unsignedInteger else { throw bad("has no length, a whole number from 0") }
        guard case .map(let metadata)? = Self.field("metadata", in: fields) else { throw bad("has no metadata map") }
        guard let timestamp = Self.field("timestamp", in: metadata)?.unsignedInteger else {
            throw bad("has no timestamp, whole microseconds from 0")
        }
        var types: [String]?
        if let listed = Self.field("types", in: metadata) {
            guard case .array(let elements) = listed else { throw bad("has types that are not a list") }
            types = []
            for element in elements {
                guard case .string(let type) = element else { throw bad("has a type that is not a string") }
                types?.append(type)
            }
        }
        var frameIndex: UInt32?
        if let index = Self.field(PackedFrameKeys.frameIndex, in: metadata) {
            guard let whole = index.unsignedInteger, let fitting = UInt32(exactly: whole) else { throw bad("has a frame.index that is not a frame index") }
            frameIndex = fitting
        }
        self.init(offset: offset, length: length, timestamp: timestamp, types: types, frameIndex: frameIndex)
    }

    /// The value of the last entry called `name` (as a dictionary built
    /// from the map would keep).
    private static func field(_ name: String, in fields: [(MessagePackValue, MessagePackValue)]) -> MessagePackValue? {
        fields.last { $0.0 == .string(name) }?.1
    }
}
