import NanoverCore
import NanoverMessagePack
import NanoverWebSocket
import Testing

@Suite("Session values in MessagePack")
struct ValueMappingTests {
    @Test("every kind of session value round-trips exactly: integers over both 64-bit ranges, nil, binary, NaN")
    func roundTrip() throws {
        let value: NanoverValue = [
            "min": .int(Int64.min), "max": .uint(UInt64.max), "one": .int(1), "half": 0.5, "nan": .double(.nan),
            "nil": .null, "binary": .binary([0, 255]), "list": [true, "x", [1, 2]], "nested": ["a": ["b": .null]],
        ]
        let bytes = MessagePackWriter.bytes(value.messagePackValue)
        let back = try NanoverValue(messagePack: try MessagePackReader.value(from: bytes))
        #expect(NanoverJSON.string(back) == NanoverJSON.string(value))
        #expect(back["min"] == .int(Int64.min) && back["max"] == .uint(UInt64.max))
        if case .int = back["one"] {} else { Issue.record("an integer stays an integer") }
        #expect(back["nil"] == .null)
    }

    @Test("struct keys are written sorted: equal values give equal bytes")
    func sortedKeys() {
        let value: NanoverValue = ["b": 1, "a": 2, "c": ["z": 1, "y": 2]]
        #expect(MessagePackWriter.bytes(value.messagePackValue) == [0x83, 0xA1, 0x61, 0x02, 0xA1, 0x62, 0x01, 0xA1, 0x63, 0x82, 0xA1, 0x79, 0x02, 0xA1, 0x7A, 0x01])
    }

    @Test("unsigned integers up to Int64.max read as int, larger as uint; 32-bit floats widen")
    func integers() throws {
        #expect(try NanoverValue(messagePack: .uint(5)) == .int(5))
        if case .int = try NanoverValue(messagePack: .uint(UInt64(Int64.max))) {} else { Issue.record("Int64.max is an int") }
        if case .uint = try NanoverValue(messagePack: .uint(UInt64(Int64.max) + 1)) {} else { Issue.record("above Int64.max is a uint") }
        #expect(try NanoverValue(messagePack: .float(1.5)) == .double(1.5))
    }

    @Test("what a session cannot hold is an error: non-string keys, extension types, nesting past the limit")
    func refused() throws {
        #expect(throws: MessagePackMappingError.nonStringKey(.uint(1))) { try NanoverValue(messagePack: .map([(.uint(1), .nil)])) }
        #expect(throws: MessagePackMappingError.extensionType(3)) { try NanoverValue(messagePack: .array([.ext(3, [])])) }
        var deep = MessagePackValue.nil
        for _ in 0...NanoverValue.maximumNestingDepth { deep = .array([deep]) }
        #expect(throws: MessagePackMappingError.self) { try NanoverValue(messagePack: deep) }
        #expect(try NanoverValue.structure([(.string("a"), .uint(1)), (.string("a"), .uint(2))]) == ["a": 2])
    }
}
