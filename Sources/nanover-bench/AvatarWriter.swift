import Foundation
import GRPCCore
import GRPCProtobuf
import NanoverProtocol
import SwiftProtobuf

/// A user's avatar update, encoded once with placeholder numbers; each write
/// patches the numbers in place. A VR client encodes on its own machine, so
/// the load generator should spend as little as possible doing it.
struct AvatarRequestTemplate: Sendable {
    private let template: [UInt8]
    /// Where each number's 8 bytes sit, in the order `numbers` gives them.
    private let offsets: [Int]

    static let numberCount = 23

    init(user index: Int) {
        // Distinct placeholders with bit patterns that cannot occur by chance.
        let placeholders = (0..<Self.numberCount).map { Double(bitPattern: 0x3FF1_2345_6789_0000 | UInt64($0)) }
        var next = 0
        func placeholder() -> Google_Protobuf_Value {
            defer { next += 1 }
            return Google_Protobuf_Value(numberValue: placeholders[next])
        }
        func pose() -> Google_Protobuf_Value {
            Google_Protobuf_Value(fields: [
                "position": Google_Protobuf_Value(listValue: .init(values: [placeholder(), placeholder(), placeholder()])),
                "rotation": Google_Protobuf_Value(listValue: .init(values: [placeholder(), placeholder(), placeholder(), placeholder()])),
            ])
        }
        var request = Nanover_Protocol_State_UpdateStateRequest()
        request.accessToken = "user-\(index)"
        request.update.changedKeys.fields["avatar.\(index)"] = Google_Protobuf_Value(fields: [
            "head": pose(), "left": pose(), "right": pose(), "seq": placeholder(), "sent": placeholder(),
        ])
        let encoded: [UInt8] = try! request.serializedBytes()
        template = encoded
        offsets = placeholders.map { value in
            let pattern = withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
            return (0...(encoded.count - 8)).first { Array(encoded[$0..<$0 + 8]) == pattern }!
        }
    }

    /// The request bytes with `numbers` (23 of them: three poses of seven,
    /// then seq, then sent) in place.
    func request(with numbers: [Double]) -> [UInt8] {
        var bytes = template
        bytes.withUnsafeMutableBytes { buffer in
            for (offset, number) in zip(offsets, numbers) {
                buffer.storeBytes(of: number.bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
            }
        }
        return bytes
    }
}

/// Sends bytes already encoded.
struct EncodedRequestSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

extension StateClientConnection {
    /// One `UpdateState` call with a request encoded beforehand.
    static func updateState(_ request: [UInt8], on client: GRPCClient<some ClientTransport>) async throws -> Bool {
        try await client.unary(
            request: ClientRequest(message: request),
            descriptor: Nanover_Protocol_State_State.Method.UpdateState.descriptor,
            serializer: EncodedRequestSerializer(),
            deserializer: ProtobufDeserializer<Nanover_Protocol_State_UpdateStateResponse>(),
            options: .defaults
        ) { try $0.message.success }
    }
}

enum StateClientConnection {}
