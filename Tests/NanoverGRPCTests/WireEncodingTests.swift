import NanoverCore
@testable import NanoverGRPC
import NanoverProtocol
import SwiftProtobuf
import Testing

/// The hand-written encoder must produce what any protobuf decoder reads as
/// the same values: these decode its output with swift-protobuf.
@Suite("Wire encoding of state updates")
struct WireEncodingTests {
    private func decodedUpdate(_ update: SubscriptionUpdate) throws -> StateChange {
        let bytes: [UInt8] = try SubscriptionUpdateSerializer().serialize(update)
        let message = try Nanover_Protocol_State_StateUpdate(serializedBytes: bytes)
        return StateChange(protobufChangedKeys: try NanoverStruct(protobuf: message.changedKeys))
    }

    @Test("integers, binary and a stored nil go out in the gRPC mapping, encoded for every subscriber alike")
    func mappedKinds() async throws {
        let engine = StateEngine()
        try engine.update(StateChange(updates: [
            "int": 3, "big": .uint(UInt64.max), "binary": .binary([0, 255]), "nil": nil, "nested": ["n": nil, "i": -2],
        ]))
        let first = try #require(await engine.subscribe().next())
        let second = try #require(await engine.subscribe().next())
        let bytes: [UInt8] = try SubscriptionUpdateSerializer().serialize(first)
        #expect(try SubscriptionUpdateSerializer().serialize(second) == bytes)
        let message = try Nanover_Protocol_State_StateUpdate(serializedBytes: bytes)
        let fields = message.changedKeys.fields
        #expect(fields["int"]?.numberValue == 3)
        #expect(fields["big"]?.numberValue == Double(UInt64.max))
        #expect(fields["binary"]?.stringValue == "AP8=")
        #expect(fields["nil"]?.kind == .nullValue(.nullValue))
        #expect(StateChange(protobufChangedKeys: try NanoverStruct(protobuf: message.changedKeys))
            == StateChange(updates: ["int": 3.0, "big": .double(Double(UInt64.max)), "binary": "AP8=", "nested": ["n": nil, "i": -2.0]], removals: ["nil"]))
    }

    @Test("every kind of value decodes back to itself")
    func everyKind() async throws {
        let engine = StateEngine()
        let updates: NanoverStruct = [
            "number": 0, "negative": -1.25, "nan": .double(.nan), "big": .double(1e300),
            "string": "", "long": .string(String(repeating: "x", count: 300)), "unicode": "ключ ✓ 🎉",
            "true": true, "false": false, "list": [nil, 1, ["a": []], [[]]], "struct": ["": ["x": nil]],
            "": "empty key", "avatar.1": ["head": ["position": [0.1, 1.7, -0.3], "rotation": [0, 0, 0, 1]]],
        ]
        try engine.update(StateChange(updates: updates, removals: ["gone"]))
        let subscription = engine.subscribe()
        let first = try #require(await subscription.next())
        #expect(try decodedUpdate(first) == StateChange(updates: updates))
        try engine.update(StateChange(updates: ["number": 2], removals: ["string", "never-existed"]))
        let second = try #require(await subscription.next())
        #expect(try decodedUpdate(second) == StateChange(updates: ["number": 2], removals: ["string", "never-existed"]))
    }

    @Test("a message of many keys with long lengths decodes whole")
    func manyKeys() async throws {
        let engine = StateEngine()
        var updates: NanoverStruct = [:]
        for index in 0..<1_000 {
            updates["key.\(index)"] = ["index": .double(Double(index)), "payload": .string(String(repeating: "p", count: index))]
        }
        try engine.update(StateChange(updates: updates))
        let update = try #require(await engine.subscribe().next())
        #expect(update.count == 1_000)
        #expect(try decodedUpdate(update).updates == updates)
    }

    @Test("the deepest value allowed on the wire is within what swift-protobuf's default decoder reads")
    func nestingLimitMatchesDecoder() throws {
        func request(depth: Int) throws -> [UInt8] {
            // Build the protobuf tree directly, bypassing our own checks.
            var value = Google_Protobuf_Value(stringValue: "leaf")
            for _ in 1..<depth {
                value = Google_Protobuf_Value(structValue: Google_Protobuf_Struct(fields: ["k": value]))
            }
            var message = Nanover_Protocol_State_UpdateStateRequest()
            message.update.changedKeys = Google_Protobuf_Struct(fields: ["k": value])
            return try message.serializedBytes()
        }
        let limit = NanoverValue.maximumNestingDepth
        let accepted = try request(depth: limit)
        #expect(throws: Never.self) { try Nanover_Protocol_State_UpdateStateRequest(serializedBytes: accepted) }
        // swift-protobuf stops at 100 nested messages, two per struct level.
        let tooDeep = try request(depth: 50)
        #expect(throws: (any Error).self) { try Nanover_Protocol_State_UpdateStateRequest(serializedBytes: tooDeep) }
    }
}
