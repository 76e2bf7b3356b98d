import Foundation
import NanoverCore
import SwiftProtobuf
import Testing

@Suite("NanoverValue")
struct NanoverValueTests {
    @Test("literals read naturally")
    func literals() {
        let value: NanoverValue = ["a": 1, "b": [true, "x"], "c": nil, "d": 2.5]
        #expect(value == .structure([
            "a": .number(1), "b": .list([.bool(true), .string("x")]), "c": .null, "d": .number(2.5),
        ]))
    }

    @Test("integers are doubles, read back with typed accessors")
    func integersAreDoubles() {
        let three: NanoverValue = 3
        #expect(three == .number(3.0))
        #expect(three.intValue == 3)
        #expect(three.doubleValue == 3.0)
        #expect(NanoverValue.number(3.5).intValue == nil)
        #expect(NanoverValue.string("3").intValue == nil)
        #expect(NanoverValue(UInt8(7)).intValue == 7)
    }

    @Test("accessors and subscripts")
    func accessors() {
        let value: NanoverValue = ["list": [1, "two"], "flag": false, "name": "n"]
        #expect(value["list"]?[1]?.stringValue == "two")
        #expect(value["list"]?[2] == nil)
        #expect(value["flag"]?.boolValue == false)
        #expect(value["name"]?.stringValue == "n")
        #expect(value["missing"] == nil)
        #expect(NanoverValue.null.isNull)
        #expect(value.structValue?.count == 3)
        #expect(value["list"]?.listValue?.count == 2)
    }

    @Test("NaN equals NaN so values can live in sets")
    func nanEquality() {
        let nan = NanoverValue.number(.nan)
        #expect(nan == nan)
        #expect(Set([nan, NanoverValue.number(-.nan)]).count == 1)
        #expect(NanoverValue.number(0.0) == NanoverValue.number(-0.0))
        #expect(Set([NanoverValue.number(0.0), NanoverValue.number(-0.0)]).count == 1)
    }

    @Test("JSON is plain JSON")
    func plainJSON() throws {
        let value: NanoverValue = ["a": 1, "b": [true, "x", nil], "c": ["d": 0.5]]
        #expect(try NanoverJSON.string(value) == #"{"a":1,"b":[true,"x",null],"c":{"d":0.5}}"#)
        #expect(try NanoverJSON.value(from: #"{"a":1,"b":[true,"x",null],"c":{"d":0.5}}"#) == value)
        let decoded = try JSONDecoder().decode(NanoverValue.self, from: Data(#"[1, "s", false, null, {}]"#.utf8))
        #expect(decoded == [1, "s", false, nil, .structure([:])])
    }

    @Test("NaN and infinities are written as the protobuf JSON strings and read back by NanoverJSON")
    func nonFiniteJSON() throws {
        let value: NanoverValue = [.number(.nan), .number(.infinity), .number(-.infinity)]
        let text = try NanoverJSON.string(value)
        #expect(text == #"["NaN","Infinity","-Infinity"]"#)
        // A plain JSONEncoder writes the same spelling: the value decides it.
        #expect(String(decoding: try JSONEncoder().encode(value), as: UTF8.self) == text)
        #expect(try NanoverJSON.value(from: text) == value)
        // A default decoder cannot know they were numbers.
        let plain = try JSONDecoder().decode(NanoverValue.self, from: Data(text.utf8))
        #expect(plain == ["NaN", "Infinity", "-Infinity"])
    }

    @Test("a JSON object reads as a struct; anything else is refused")
    func structFromJSON() throws {
        #expect(try NanoverJSON.structure(from: #"{"x": [1]}"#) == ["x": [1]])
        #expect(throws: DecodingError.self) { try NanoverJSON.structure(from: "[1]") }
        #expect(throws: (any Error).self) { try NanoverJSON.value(from: "{nope") }
    }

    @Test("protobuf conversion is lossless both ways")
    func protobufRoundTrip() throws {
        let value: NanoverValue = [
            "null": nil, "number": 1.5, "nan": .number(.nan), "inf": .number(-.infinity),
            "string": "ünïcode ✓", "bool": true, "empty": "", "": "empty key",
            "list": [1, [2, [3]], nil, ["k": "v"]], "struct": ["nested": ["deeper": false]],
        ]
        let proto = try value.protobufValue()
        #expect(try NanoverValue(proto) == value)
        let bytes: [UInt8] = try proto.serializedBytes()
        #expect(try NanoverValue(Google_Protobuf_Value(serializedBytes: bytes)) == value)
        let fields = try #require(value.structValue)
        #expect(try NanoverStruct(fields.protobufStruct()) == fields)
    }

    @Test("a protobuf Value with no kind reads as null")
    func kindlessValue() throws {
        #expect(try NanoverValue(Google_Protobuf_Value()) == .null)
    }

    @Test("nesting beyond the wire limit is refused, not overflowed")
    func nestingLimit() throws {
        func nested(_ depth: Int) -> NanoverValue {
            var value: NanoverValue = "leaf"
            for _ in 0..<depth {
                value = ["k": value]
            }
            return value
        }
        let limit = NanoverValue.maximumNestingDepth
        #expect(throws: Never.self) { try nested(limit).validateForWire() }
        #expect(throws: NanoverValueError.nestedTooDeeply(limit: limit)) { try nested(limit + 1).validateForWire() }
        #expect(throws: NanoverValueError.nestedTooDeeply(limit: limit)) { try nested(10_000).protobufValue() }
        #expect(nested(10_000).nestingDepth(stoppingAfter: 40) <= 41)
    }
}
