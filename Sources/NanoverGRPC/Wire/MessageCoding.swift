import GRPCCore
import NanoverCore
import SwiftProtobuf

/// Decodes a protobuf request, and says what was wrong when it cannot.
///
/// grpc-swift-protobuf's own deserializer answers every failure with the
/// same sentence; a NanoVer client sending odd bytes deserves the reason.
/// The decoder's nesting limit (swift-protobuf's default of 100 messages)
/// bounds recursion, so hostile depth is an error, not a stack overflow.
///
/// The size limit is enforced here too, not only by the transport: past its
/// own limit the transport resets the stream without a status, so it is
/// given room to spare and requests over `maxBytes` get RESOURCE_EXHAUSTED.
struct DescriptiveProtobufDeserializer<Message: SwiftProtobuf.Message>: MessageDeserializer {
    let maxBytes: Int

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        guard serializedMessageBytes.count <= maxBytes else {
            throw RPCError(
                code: .resourceExhausted,
                message: "request of \(serializedMessageBytes.count) bytes is over this server's limit of \(maxBytes) bytes"
            )
        }
        do {
            return try Message(serializedBytes: BytesAdapter(bytes: serializedMessageBytes))
        } catch {
            throw RPCError(
                code: .invalidArgument,
                message: "request is not a valid \(Message.protoMessageName) message: \(error)"
            )
        }
    }
}

/// Lets swift-protobuf read the transport's bytes in place.
private struct BytesAdapter<Bytes: GRPCContiguousBytes>: SwiftProtobufContiguousBytes {
    var bytes: Bytes

    init(bytes: Bytes) { self.bytes = bytes }
    init(repeating: UInt8, count: Int) { bytes = Bytes(repeating: repeating, count: count) }
    init<S: Sequence>(_ sequence: S) where S.Element == UInt8 { bytes = Bytes(sequence) }
    var count: Int { bytes.count }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeMutableBytes(body)
    }
}

/// Writes a subscription update as a `StateUpdate` from its entries'
/// protobuf forms, each encoded once per change (``ProtobufStructEntry``)
/// whatever the number of subscribers: no swift-protobuf message is built
/// per subscriber, and the entries are copied once, into the transport's
/// buffer.
struct SubscriptionUpdateSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ update: SubscriptionUpdate) throws -> Bytes {
        let bytes: Bytes = Self.bytes(of: update)
        SessionMetrics.grpcBytesSent.increment(by: bytes.count)
        return bytes
    }

    /// The `StateUpdate` bytes of `update`: made once for all the
    /// subscribers that share the update, then copied into each one's
    /// transport buffer.
    static func bytes<Bytes: GRPCContiguousBytes>(of update: SubscriptionUpdate) -> Bytes {
        let message = update.encoded(as: ProtobufStateUpdate.self)
        var bytes = Bytes(repeating: 0, count: message.count)
        bytes.withUnsafeMutableBytes { destination in
            message.withUnsafeBytes { destination.copyMemory(from: $0) }
        }
        return bytes
    }
}

/// A subscription update as the bytes of a whole `StateUpdate`, from its
/// entries' protobuf forms.
enum ProtobufStateUpdate: SubscriptionUpdateEncoding {
    static func encode(_ update: SubscriptionUpdate) -> [UInt8] {
        let entries = update.entries.map { $0.encoded(as: ProtobufStructEntry.self) }
        let entriesLength = entries.reduce(0) { $0 + $1.count }
        var bytes = [UInt8](repeating: 0, count: ProtobufValueWriter.messageSize(entriesLength: entriesLength))
        bytes.withUnsafeMutableBytes {
            ProtobufValueWriter.writeMessage(structFieldNumber: 1, entries: entries, entriesLength: entriesLength, into: $0)
        }
        return bytes
    }
}

/// A state entry as a map entry of a protobuf `Struct`: a removal, or a
/// stored nil, as null.
enum ProtobufStructEntry: StateEntryEncoding {
    static func encode(key: String, value: NanoverValue?) -> [UInt8] {
        // The engine took only values within the nesting limit.
        (try? ProtobufValueWriter.structField(key: key, value: value ?? .null))
            ?? ProtobufValueWriter.nullField(key: key)
    }
}
