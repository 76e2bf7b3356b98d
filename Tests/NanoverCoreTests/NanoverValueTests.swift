import NanoverCore
import Testing

@Suite("NanoverValue")
struct NanoverValueTests {
    @Test("literals read naturally; integer literals are integers")
    func literals() {
        let value: NanoverValue = ["a": 1, "b": [true, "x"], "c": nil, "d": 2.5]
        guard case .structure(let fields) = value, case .int(1)? = fields["a"], case .double(2.5)? = fields["d"] else {
            Issue.record("kinds not kept: \(value)")
            return
        }
        #expect(fields["b"] == .list([.bool(true), .string("x")]))
        #expect(fields["c"] == .null)
    }

    @Test("integers of every range are kept as integers")
    func integers() {
        guard case .int(Int64.min) = NanoverValue(Int64.min), case .uint(UInt64.max) = NanoverValue(UInt64.max),
              case .int(7) = NanoverValue(UInt8(7))
        else {
            Issue.record("integers not kept")
            return
        }
        #expect(NanoverValue(UInt64.max).uint64Value == UInt64.max)
        #expect(NanoverValue(UInt64.max).intValue == nil)
        #expect(NanoverValue(-3).uint64Value == nil)
    }

    @Test("numbers compare by value whatever their kind, and hash alike")
    func numericEquality() {
        #expect(NanoverValue.int(3) == .double(3))
        #expect(NanoverValue.uint(3) == .int(3))
        #expect(NanoverValue.uint(UInt64.max) != .double(18446744073709551616.0))
        #expect(NanoverValue.int(3) != .double(3.5))
        #expect(NanoverValue.int(1) != .bool(true))
        #expect(Set<NanoverValue>([.int(3), .uint(3), .double(3)]).count == 1)
        #expect(Set<NanoverValue>([.int(-1), .uint(UInt64.max)]).count == 2)
    }

    @Test("typed accessors read numbers of any kind")
    func numericAccessors() {
        let three: NanoverValue = 3
        #expect(three.intValue == 3)
        #expect(three.doubleValue == 3.0)
        #expect(NanoverValue.double(3.0).intValue == 3)
        #expect(NanoverValue.double(3.5).intValue == nil)
        #expect(NanoverValue.string("3").intValue == nil)
        #expect(NanoverValue.uint(5).doubleValue == 5)
        #expect(NanoverValue.binary([1, 2]).binaryValue == [1, 2])
        #expect(NanoverValue.binary([1, 2]) != .list([1, 2]))
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
        let nan = NanoverValue.double(.nan)
        #expect(nan == nan)
        #expect(Set([nan, NanoverValue.double(-.nan)]).count == 1)
        #expect(NanoverValue.double(0.0) == NanoverValue.double(-0.0))
        #expect(Set([NanoverValue.double(0.0), NanoverValue.double(-0.0)]).count == 1)
    }

    @Test("JSON round trips every kind exactly")
    func exactJSON() throws {
        let value: NanoverValue = [
            "int": 1, "negative": -7, "big": .uint(UInt64.max), "min": .int(Int64.min),
            "whole double": 3.0, "double": 0.5, "tiny": 1e-300, "huge": 1e300,
            "binary": .binary([0, 1, 254, 255]), "empty binary": .binary([]), "nil": nil,
            "text": "quote \" backslash \\ newline \n tab \t nul \u{0} ünïcode 🎉", "list": [true, false, [], [:]],
        ]
        let text = NanoverJSON.string(value)
        let read = try NanoverJSON.value(from: text)
        #expect(read == value)
        // Kinds too, not only values.
        #expect(NanoverJSON.string(read) == text)
        #expect(try NanoverJSON.value(from: NanoverJSON.string(value, pretty: true)) == value)
        guard case .double = read["whole double"], case .int = read["int"], case .uint = read["big"],
              case .binary = read["binary"]
        else {
            Issue.record("kinds changed: \(read)")
            return
        }
    }

    @Test("JSON spellings: integers bare, doubles with a point, binary as base64")
    func jsonSpellings() throws {
        #expect(NanoverJSON.string(["a": 1, "b": 1.0, "c": .binary([1, 2, 3])]) == #"{"a":1,"b":1.0,"c":{"$binary":"AQID"}}"#)
        #expect(try NanoverJSON.value(from: #"{"a":1,"b":[true,"x",null],"c":{"d":0.5}}"#) == ["a": 1, "b": [true, "x", nil], "c": ["d": 0.5]])
        #expect(try NanoverJSON.value(from: "1e2") == .double(100))
        #expect(try NanoverJSON.value(from: "18446744073709551616") == .double(18446744073709551616.0))
        #expect(try NanoverJSON.value(from: #""\ud83c\udf89""#) == "🎉")
        // Not binary: more than the one key, or not base64.
        #expect(try NanoverJSON.value(from: #"{"$binary":"AQID","x":1}"#).structValue?.count == 2)
        #expect(try NanoverJSON.value(from: #"{"$binary":"not base64!"}"#) == ["$binary": "not base64!"])
    }

    @Test("NaN and infinities are written as the protobuf JSON strings and read back as numbers")
    func nonFiniteJSON() throws {
        let value: NanoverValue = [.double(.nan), .double(.infinity), .double(-.infinity)]
        let text = NanoverJSON.string(value)
        #expect(text == #"["NaN","Infinity","-Infinity"]"#)
        #expect(try NanoverJSON.value(from: text) == value)
    }

    @Test("malformed JSON is refused with where and why")
    func malformedJSON() {
        for text in ["", "{nope", "[1,]", "01", "1.", "-", "\"unterminated", "[1] 2", "{\"a\" 1}", "1e400",
                     "\"\\ud800\"", "\"\\x\"", "\"tab\there\"", "nul", "tru"] {
            #expect(throws: NanoverJSONError.self, "\(text)") { try NanoverJSON.value(from: text) }
        }
        #expect(throws: NanoverJSONError.self) { try NanoverJSON.structure(from: "[1]") }
        #expect(throws: NanoverJSONError.self) { try NanoverJSON.value(fromUTF8: [0x22, 0xFF, 0x22]) }
        #expect(throws: NanoverJSONError.self) {
            try NanoverJSON.value(from: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        }
    }

    @Test("nesting beyond the session's limit is refused, not overflowed")
    func nestingLimit() throws {
        func nested(_ depth: Int) -> NanoverValue {
            var value: NanoverValue = "leaf"
            for _ in 0..<depth {
                value = ["k": value]
            }
            return value
        }
        let limit = NanoverValue.maximumNestingDepth
        #expect(throws: Never.self) { try nested(limit).validate() }
        #expect(throws: NanoverValueError.nestedTooDeeply(limit: limit)) { try nested(limit + 1).validate() }
        #expect(nested(10_000).nestingDepth(stoppingAfter: 40) <= 41)
    }
}
