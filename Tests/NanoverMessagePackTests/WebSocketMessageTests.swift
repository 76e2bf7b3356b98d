import NanoverCore
import NanoverMessagePack
import NanoverWebSocket
import Testing

@Suite("NanoVer 2026 messages")
struct WebSocketMessageTests {
    private func message(_ fields: [(String, MessagePackValue)]) throws -> IncomingMessage {
        try IncomingMessage(bytes: MessagePackWriter.bytes(.map(fields.map { (.string($0.0), $0.1) })))
    }

    @Test("a state message is read with either field missing, values kept exactly; the hub's always has both, sorted")
    func state() throws {
        let read = try message([("state", .map([(.string("updates"), .map([(.string("n"), .uint(UInt64.max)), (.string("z"), .nil)]))]))])
        #expect(read.state == StateChange(updates: ["n": .uint(UInt64.max), "z": .null]))
        #expect(try message([("state", .map([(.string("removals"), .array([.string("a")]))]))]).state == StateChange(removals: ["a"]))

        let bytes = OutgoingMessage.state(StateChange(updates: ["b": 1, "a": .binary([7])], removals: ["c"]))
        #expect(try MessagePackReader.value(from: bytes) == .map([(.string("state"), .map([
            (.string("updates"), .map([(.string("a"), .binary([7])), (.string("b"), .int(1))])),
            (.string("removals"), .array([.string("c")])),
        ]))]))
        #expect(try IncomingMessage(bytes: bytes).state == StateChange(updates: ["b": 1, "a": .binary([7])], removals: ["c"]))
    }

    @Test("commands: a request (arguments optional), a registration, a client's response or exception, and the older list form")
    func commands() throws {
        let request = MessagePackValue.map([(.string("name"), .string("multiply")), (.string("arguments"), .map([(.string("x"), .uint(2))])), (.string("id"), .uint(4))])
        #expect(try message([("command", .map([(.string("request"), request)]))]).commands
            == [.request(name: "multiply", arguments: ["x": 2], echo: request)])
        let bare = MessagePackValue.map([(.string("name"), .string("commands/list")), (.string("id"), .uint(1))])
        #expect(try message([("command", .map([(.string("request"), bare)]))]).commands == [.request(name: "commands/list", arguments: [:], echo: bare)])
        #expect(try message([("command", .map([(.string("register"), .map([(.string("name"), .string("hello")), (.string("label"), .string("Hi"))]))]))]).commands
            == [.register(name: "hello", defaultArguments: [:], label: "Hi", icon: nil)])
        #expect(try message([("command", .map([(.string("request"), request), (.string("response"), .nil)]))]).commands
            == [.response(echo: request, result: .null)])
        #expect(try message([("command", .map([(.string("request"), request), (.string("exception"), .string("no"))]))]).commands
            == [.exception(echo: request, message: "no")])
        #expect(try message([("command", .array([.map([(.string("request"), request)]), .map([(.string("request"), bare)])]))]).commands.count == 2)

        let reply = OutgoingMessage.response(echo: request, result: ["y": 4])
        #expect(try MessagePackReader.value(from: reply) == .map([(.string("command"), .map([
            (.string("request"), request), (.string("response"), .map([(.string("y"), .int(4))])),
        ]))]))
        let failure = OutgoingMessage.exception(echo: request, message: "unknown command")
        #expect(try IncomingMessage(bytes: failure).commands == [.exception(echo: request, message: "unknown command")])
    }

    @Test("a frame message, and all three types in one message; unknown top-level keys are ignored")
    func everything() throws {
        let frame = OutgoingMessage.frame(index: 3, Frame(values: [FrameKey.particleCount: 1]))
        #expect(try IncomingMessage(bytes: frame).frame == ReceivedFrame(index: 3, frame: Frame(values: [FrameKey.particleCount: 1])))
        let all = try message([
            ("future", .string("ignored")),
            ("frame", .map([(.string("frame.index"), .uint(0))])),
            ("command", .map([(.string("request"), .map([(.string("name"), .string("x"))]))])),
            ("state", .map([(.string("updates"), .map([(.string("k"), .bool(true))]))])),
        ])
        #expect(all.state != nil && all.commands.count == 1 && all.frame?.index == 0)
    }

    @Test("malformed messages are refused whole, saying what is wrong", arguments: [
        (Array("text".utf8), "not MessagePack"),
        ([0x91, 0x01], "a message is a MessagePack map"),
        (MessagePackWriter.bytes(.map([(.string("state"), .array([]))])), "state is not a map"),
        (MessagePackWriter.bytes(.map([(.string("state"), .map([(.string("removals"), .array([.uint(1)]))]))])), "not a string"),
        (MessagePackWriter.bytes(.map([(.string("state"), .map([(.string("updates"), .map([(.uint(1), .nil)]))]))])), "map key is not a string"),
        (MessagePackWriter.bytes(.map([(.string("command"), .map([(.string("request"), .map([]))]))])), "needs a name"),
        (MessagePackWriter.bytes(.map([(.string("command"), .string("run"))])), "neither a map nor a list"),
        (MessagePackWriter.bytes(.map([(.string("frame"), .map([(.string("a"), .nil)]))])), "frame.index"),
    ] as [([UInt8], String)])
    func malformed(bytes: [UInt8], reason: String) {
        let error = #expect(throws: WebSocketMessageError.self) { try IncomingMessage(bytes: bytes) }
        #expect(error?.description.contains(reason) == true, "\(error.map { "\($0)" } ?? "")")
    }
}

@Suite("NanoVer 2026 encodings shared by every connection")
struct SharedEncodingTests {
    @Test("a subscription update's state message is assembled from its entries' shared encodings and reads as the change")
    func stateFromEntries() async throws {
        let engine = StateEngine()
        try engine.update(StateChange(updates: ["a": 1, "gone": 2, "nil": .null]))
        let subscription = engine.subscribe()
        let first = try #require(await subscription.next())
        #expect(try IncomingMessage(bytes: OutgoingMessage.state(first)).state == StateChange(updates: ["a": 1, "gone": 2, "nil": .null]))
        try engine.update(StateChange(updates: ["a": .uint(UInt64.max)], removals: ["gone"]))
        let second = try #require(await subscription.next())
        let read = try IncomingMessage(bytes: OutgoingMessage.state(second)).state
        #expect(read == StateChange(updates: ["a": .uint(UInt64.max)], removals: ["gone"]))
        subscription.cancel()
        engine.close()
    }

    @Test("a published frame's 2026 message is made once and reads back")
    func frameOnce() throws {
        let published = PublishedFrame(index: 4, frame: Frame(arrays: [FrameKey.particlePositions: .floats([1, 2, 3])]))
        let buffer = published.encoded(as: MessagePackFrameBuffer.self)
        #expect(try IncomingMessage(bytes: buffer.readableBytesView).frame == ReceivedFrame(index: 4, frame: published.frame))
    }
}
