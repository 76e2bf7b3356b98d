import GRPCCore
import NanoverCore
import NanoverProtocol
import SwiftProtobuf

/// A published frame as the bytes of a `GetFrameResponse`, made once per
/// frame however many subscribers are sent it.
enum ProtobufFrameResponse: FrameEncoding {
    static func encode(index: UInt32, frame: Frame) -> [UInt8] {
        var response = Nanover_Protocol_Trajectory_GetFrameResponse()
        response.frameIndex = index
        // The publisher took only values within the nesting limit.
        response.frame = (try? frame.protobufFrameData()) ?? Nanover_Protocol_Trajectory_FrameData()
        return (try? response.serializedBytes()) ?? []
    }
}

/// Writes a published frame from its shared encoding.
struct PublishedFrameSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ frame: PublishedFrame) throws -> Bytes {
        let encoded = frame.encoded(as: ProtobufFrameResponse.self)
        SessionMetrics.grpcBytesSent.increment(by: encoded.count)
        return Bytes(encoded)
    }
}
