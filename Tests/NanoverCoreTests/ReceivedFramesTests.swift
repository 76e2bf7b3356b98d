import NanoverCore
import Testing

@Suite("Frames as a client receives them")
struct ReceivedFramesTests {
    private func received(_ index: UInt32, _ values: NanoverStruct) -> ReceivedFrame {
        ReceivedFrame(index: index, frame: Frame(values: values))
    }

    @Test("folding keeps the later index and merges keys; a reset replaces what came before and is never hidden")
    func folding() {
        var pending = received(3, ["a": 1, "b": 1])
        pending.fold(received(4, ["b": 2]))
        #expect(pending == received(4, ["a": 1, "b": 2]))

        pending.fold(received(0, ["topology": 1]))
        #expect(pending == received(0, ["topology": 1]))
        pending.fold(received(1, ["x": 1]))
        #expect(pending == received(0, ["topology": 1, "x": 1]))
    }

    @Test("the history keeps the latest frame, the first since the last reset, and the merged current frame, cleared on a reset")
    func history() {
        var history = FrameHistory()
        #expect(history.latest == nil && history.first == nil && history.current.isEmpty)

        history.receive(received(5, ["a": 1]))
        history.receive(received(6, ["b": 2]))
        #expect(history.first == Frame(values: ["a": 1]))
        #expect(history.latest == received(6, ["b": 2]))
        #expect(history.current == Frame(values: ["a": 1, "b": 2]))

        history.receive(received(0, ["topology": 1]))
        history.receive(received(1, ["a": 3]))
        #expect(history.first == Frame(values: ["topology": 1]))
        #expect(history.current == Frame(values: ["topology": 1, "a": 3]))
        #expect(history.latest?.index == 1)
        #expect(history.count == 4)
    }

    @Test("a buffer of every frame delivers them in order, then its ending")
    func everyFrame() async throws {
        let buffer = ReceivedFrameBuffer(mode: .every, limit: 4)
        for index in 1...3 {
            buffer.push(received(UInt32(index), [:]))
        }
        buffer.finish()
        var indices: [UInt32] = []
        while let frame = try await buffer.next() {
            indices.append(frame.index)
        }
        #expect(indices == [1, 2, 3])
    }

    @Test("a reader of every frame that leaves more than the limit untaken is told it fell behind, once")
    func everyFrameFallsBehind() async throws {
        let buffer = ReceivedFrameBuffer(mode: .every, limit: 4)
        for index in 1...5 {
            buffer.push(received(UInt32(index), [:]))
        }
        await #expect(throws: FrameSubscriptionError.fellBehind(limit: 4)) { try await buffer.next() }
        #expect(try await buffer.next() == nil)
    }

    @Test("a buffer of the latest frames holds one, folded")
    func latest() async throws {
        let buffer = ReceivedFrameBuffer(mode: .latest)
        buffer.push(received(1, ["a": 1]))
        buffer.push(received(0, ["topology": 1]))
        buffer.push(received(1, ["b": 1]))
        #expect(try await buffer.next() == received(0, ["topology": 1, "b": 1]))
        buffer.push(received(2, ["c": 1]))
        buffer.finish(throwing: FrameSubscriptionError.fellBehind(limit: 1))
        #expect(try await buffer.next() == received(2, ["c": 1]))
        await #expect(throws: FrameSubscriptionError.self) { try await buffer.next() }
    }

    @Test("a waiting reader is woken by a frame, and by cancelling, which drops what is held")
    func waiting() async throws {
        let buffer = ReceivedFrameBuffer(mode: .every)
        async let first = buffer.next()
        buffer.push(received(7, [:]))
        #expect(try await first?.index == 7)

        async let ended = buffer.next()
        buffer.cancel()
        #expect(try await ended == nil)
        buffer.push(received(8, [:]))
        #expect(try await buffer.next() == nil)
    }
}
