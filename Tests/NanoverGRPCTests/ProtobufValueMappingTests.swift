import Foundation
import NanoverCore
import NanoverGRPC
import SwiftProtobuf
import Testing

@Suite("Protobuf mapping of values")
struct ProtobufValueMappingTests {
    @Test("protobuf conversion is lossless both ways for what protobuf holds")
    func protobufRoundTrip() throws {
        let value: NanoverValue = [
            "null": nil, "number": 1.5, "nan": .double(.nan), "inf": .double(-.infinity),
            "string": "ünïcode ✓", "bool": true, "empty": "", "": "empty key",
            "list": [1.0, [2.0, [3.0]], nil, ["k": "v"]], "struct": ["nested": ["deeper": false]],
        ]
        let proto = try value.protobufValue()
        #expect(try NanoverValue(protobuf: proto) == value)
        let bytes: [UInt8] = try proto.serializedBytes()
        #expect(try NanoverValue(protobuf: Google_Protobuf_Value(serializedBytes: bytes)) == value)
        let fields = try #require(value.structValue)
        #expect(try NanoverStruct(protobuf: fields.protobufStruct()) == fields)
    }

    @Test("integers become doubles, binary a base64 string")
    func lossyKinds() throws {
        let proto = try NanoverValue(["int": 3, "big": .uint(UInt64.max), "binary": .binary([1, 2, 3])]).protobufValue()
        let fields = proto.structValue.fields
        #expect(fields["int"]?.numberValue == 3)
        #expect(fields["big"]?.numberValue == Double(UInt64.max))
        #expect(fields["binary"]?.stringValue == Data([1, 2, 3]).base64EncodedString())
        guard case .double? = try NanoverValue(protobuf: proto)["int"] else {
            Issue.record("a number read from protobuf is a double")
            return
        }
    }

    @Test("a protobuf Value with no kind reads as null")
    func kindlessValue() throws {
        #expect(try NanoverValue(protobuf: Google_Protobuf_Value()) == .null)
    }

    @Test("top-level nulls are removals on the wire; a stored nil goes out as null")
    func changedKeys() {
        let change = StateChange(protobufChangedKeys: ["a": 1, "b": nil, "c": ["d": nil]])
        #expect(change.updates == ["a": 1, "c": ["d": nil]])
        #expect(change.removals == ["b"])
        var stored = StateChange(updates: ["a": 1, "n": nil])
        stored.remove("gone")
        #expect(stored.protobufChangedKeys == ["a": 1, "n": nil, "gone": nil])
    }

    @Test("values nested too deeply are refused before conversion")
    func tooDeep() {
        var value: NanoverValue = "leaf"
        for _ in 0..<10_000 {
            value = ["k": value]
        }
        #expect(throws: NanoverValueError.nestedTooDeeply(limit: NanoverValue.maximumNestingDepth)) { try value.protobufValue() }
    }
}
