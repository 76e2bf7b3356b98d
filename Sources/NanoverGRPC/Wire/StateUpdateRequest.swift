import GRPCCore
import NanoverCore
import NanoverProtocol

/// An `UpdateState` request as the state service applies it: the caller's
/// access token and the changed keys, null meaning removal.
struct StateUpdateRequest: Sendable, Equatable {
    let accessToken: String
    let changedKeys: NanoverStruct
}

/// Decodes `UpdateState` requests straight into ``StateUpdateRequest``s.
///
/// Requests in the plain form that clients write are read by
/// `PlainProtobufReader`, without a swift-protobuf message in between; any
/// other bytes go through swift-protobuf, whose result or error stands, so
/// the statuses clients see are the same either way.
struct StateUpdateRequestDeserializer: MessageDeserializer {
    private let full: DescriptiveProtobufDeserializer<Nanover_Protocol_State_UpdateStateRequest>

    init(maxBytes: Int) {
        full = DescriptiveProtobufDeserializer(maxBytes: maxBytes)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> StateUpdateRequest {
        if serializedMessageBytes.count <= full.maxBytes,
           let plain = serializedMessageBytes.withUnsafeBytes({ try? Self.readPlain($0) }) {
            return plain
        }
        return try decodeFully(serializedMessageBytes)
    }

    /// The request as swift-protobuf decodes it, converted: the authority
    /// for bytes outside the plain form, and what the plain reader is held
    /// to.
    func decodeFully<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> StateUpdateRequest {
        let request = try full.deserialize(bytes)
        do {
            return StateUpdateRequest(accessToken: request.accessToken, changedKeys: try NanoverStruct(protobuf: request.update.changedKeys))
        } catch {
            throw RPCError(code: .invalidArgument, message: "state update: \(error)")
        }
    }

    /// The request in `bytes`, if they are in the plain form.
    static func readPlain(_ bytes: UnsafeRawBufferPointer) throws(PlainProtobufReader.NotPlain) -> StateUpdateRequest {
        var request = PlainProtobufReader(bytes)
        var accessToken: String?
        var changedKeys: NanoverStruct?
        while let (number, wireType) = try request.field() {
            switch (number, wireType) {
            case (1, 2) where accessToken == nil:
                accessToken = try request.string()
            case (2, 2) where changedKeys == nil:
                // StateUpdate: its one field is the Struct of changed keys.
                var update = try request.nested()
                changedKeys = [:]
                var seenKeys = false
                while let (updateNumber, updateWireType) = try update.field() {
                    guard updateNumber == 1, updateWireType == 2, !seenKeys else { throw .init() }
                    seenKeys = true
                    var keys = try update.nested()
                    changedKeys = try keys.structFields(depth: 1)
                }
            default:
                throw .init()
            }
        }
        return StateUpdateRequest(accessToken: accessToken ?? "", changedKeys: changedKeys ?? [:])
    }
}
