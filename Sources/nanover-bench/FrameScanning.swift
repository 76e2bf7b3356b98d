import GRPCCore
import NanoverGRPC

/// A `GetFrameResponse` as the frames scenario reads it: its index, its
/// server timestamp and its size, found without decoding the frame (a
/// 20,000-atom frame is 240 kB; decoding every one for 32 subscribers would
/// cost the load generator more than the server's work).
struct FrameStamp: Sendable {
    var index: UInt32 = 0
    var serverTimestamp: Double?
    var bytes = 0
}

struct FrameStampDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> FrameStamp {
        var stamp = FrameStamp(bytes: serializedMessageBytes.count)
        serializedMessageBytes.withUnsafeBytes { buffer in
            var response = PlainProtobufReader(buffer)
            try? response.scanFrameResponse(into: &stamp)
        }
        return stamp
    }
}

extension PlainProtobufReader {
    /// Reads `frame_index` (field 1) and, in the frame (field 2), the value
    /// `server.timestamp` of its values map (field 1 of `FrameData`).
    mutating func scanFrameResponse(into stamp: inout FrameStamp) throws(NotPlain) {
        while let (number, wireType) = try field() {
            if number == 1, wireType == 0 {
                stamp.index = UInt32(truncatingIfNeeded: try varint())
            } else if number == 2, wireType == 2 {
                var frame = try nested()
                stamp.serverTimestamp = try frame.serverTimestamp()
            } else {
                try skip(wireType)
            }
        }
    }

    private mutating func serverTimestamp() throws(NotPlain) -> Double? {
        var found: Double?
        while let (number, wireType) = try field() {
            guard number == 1, wireType == 2 else {
                try skip(wireType)
                continue
            }
            var entry = try nested()
            let (key, number) = try entry.keyAndNumber()
            if key == "server.timestamp" { found = number }
        }
        return found
    }
}
