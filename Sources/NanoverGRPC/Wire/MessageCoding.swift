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

/// Writes a subscription update from the map entries its changes were
/// encoded into when they were applied: no swift-protobuf message is built
/// per subscriber, and the entries are copied once, into the transport's
/// buffer.
struct SubscriptionUpdateSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ update: SubscriptionUpdate) throws -> Bytes {
        var bytes = Bytes(repeating: 0, count: update.encodedStateUpdateCount)
        bytes.withUnsafeMutableBytes { update.encodeStateUpdate(into: $0) }
        return bytes
    }
}
