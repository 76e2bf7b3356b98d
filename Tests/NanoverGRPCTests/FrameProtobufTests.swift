import NanoverCore
import NanoverGRPC
import NanoverProtocol
import SwiftProtobuf
import Testing

@Suite("Protobuf form of frames")
struct FrameProtobufTests {
    @Test("a frame goes to FrameData bytes and back unchanged")
    func roundTrip() throws {
        var frame = Frame(values: ["particle.count": 3.0, "nested": ["a": [true, nil]], "name": "water"])
        frame.arrays = [
            "particle.positions": .floats([0.5, -1, .infinity, 1e-30, 0, 0, 1, 2, 3]),
            "particle.elements": .indices([1, 8, 1, UInt32.max]),
            "particle.names": .strings(["H", "O", "H", "ünïcode ✓", ""]),
            "empty": .floats([]),
        ]
        let bytes: [UInt8] = try frame.protobufFrameData().serializedBytes()
        let decoded = try Frame(protobuf: Nanover_Protocol_Trajectory_FrameData(serializedBytes: bytes))
        #expect(decoded == frame)
    }

    @Test("a large positions array survives the round trip")
    func large() throws {
        let positions = (0..<300_000).map { Float($0) * 0.001 }
        let frame = Frame(arrays: [FrameKey.particlePositions: .floats(positions)])
        let data = try frame.protobufFrameData()
        #expect(data.arrays[FrameKey.particlePositions]?.floatValues.values.count == 300_000)
        let bytes: [UInt8] = try data.serializedBytes()
        let decoded = try Frame(protobuf: Nanover_Protocol_Trajectory_FrameData(serializedBytes: bytes))
        #expect(try decoded.particlePositions()?.count == 100_000)
        #expect(decoded == frame)
    }

    @Test("an array with no kind set is left out; a value nested too deeply is refused")
    func oddInput() throws {
        var data = Nanover_Protocol_Trajectory_FrameData()
        data.arrays["kindless"] = Nanover_Protocol_ValueArray()
        data.arrays["kept"] = Frame(arrays: ["x": .indices([1])]).arrays["x"].map { _ in
            var array = Nanover_Protocol_ValueArray()
            array.indexValues.values = [1]
            return array
        }
        #expect(try Frame(protobuf: data) == Frame(arrays: ["kept": .indices([1])]))
        var deep = Google_Protobuf_Value(stringValue: "leaf")
        for _ in 0..<40 {
            deep = Google_Protobuf_Value(listValue: Google_Protobuf_ListValue(values: [deep]))
        }
        data.values["deep"] = deep
        #expect(throws: NanoverValueError.nestedTooDeeply(limit: NanoverValue.maximumNestingDepth)) { try Frame(protobuf: data) }
    }
}
