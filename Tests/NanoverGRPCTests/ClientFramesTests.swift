import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverTesting
import NanoverTestSupport
import Testing

@Suite("The client's frames")
struct ClientFramesTests {
    private func topology(atoms: Int) -> Frame {
        var frame = Frame(values: [FrameKey.particleCount: .int(Int64(atoms))], arrays: [FrameKey.particleElements: .indices(Array(repeating: 6, count: atoms))])
        frame.arrays[FrameKey.particlePositions] = .floats(Array(repeating: 0, count: atoms * 3))
        return frame
    }

    private func positions(_ value: Float, atoms: Int) -> Frame {
        Frame(arrays: [FrameKey.particlePositions: .floats(Array(repeating: value, count: atoms * 3))])
    }

    @Test("every frame arrives in order after the merged frame, and the history follows them, cleared on a reset")
    func everyFrame() async throws {
        try await withClientServer { client, server in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: topology(atoms: 2))
            try frames.send(frameIndex: 1, frame: positions(1, atoms: 2))
            let stream = client.subscribeFrames()
            var iterator = stream.makeAsyncIterator()

            let first = try #require(try await iterator.next())
            #expect(first.index == 1)
            #expect(first.frame.particleCount == 2)
            #expect(try first.frame.particlePositions() == [SIMD3(1, 1, 1), SIMD3(1, 1, 1)])

            try frames.send(frameIndex: 2, frame: Frame(values: [FrameKey.potentialEnergy: 3]))
            try frames.send(frameIndex: 0, frame: Frame(values: [FrameKey.particleCount: 1]))
            try frames.send(frameIndex: 1, frame: positions(5, atoms: 1))
            var indices: [UInt32] = []
            for _ in 0..<3 {
                indices.append(try #require(try await iterator.next()).index)
            }
            #expect(indices == [2, 0, 1])

            let history = client.frameHistory
            #expect(history.count == 4)
            #expect(history.latest?.index == 1)
            #expect(history.first?.particleCount == 1)
            #expect(history.current.particleCount == 1)
            #expect(try history.current.particlePositions() == [SIMD3(5, 5, 5)])
            // Keys from before the reset are gone from the current frame.
            #expect(try history.current.particleElements() == nil && history.current.potentialEnergy == nil)
            await stream.cancel()
        }
    }

    @Test("the latest frames arrive merged at the interval, a reset among them as a reset")
    func latestFrames() async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame(values: ["topology": 1]))
            let stream = client.subscribeLatestFrames(interval: .seconds(1))
            var iterator = stream.makeAsyncIterator()
            #expect(try await iterator.next()?.index == 0)

            try frames.send(frameIndex: 1, frame: Frame(values: ["stale": true]))
            try frames.send(frameIndex: 0, frame: Frame(values: ["topology": 2]))
            try frames.send(frameIndex: 1, frame: Frame(values: ["fresh": true]))
            await waitUntil("the subscription waits out its interval") { clock.sleeperCount >= 1 }
            clock.advance(by: .seconds(1))
            let merged = try #require(try await iterator.next())
            #expect(merged.index == 0)
            #expect(merged.frame.values["stale"] == nil)
            #expect(merged.frame.values["topology"] == 2 && merged.frame.values["fresh"] == true)
            #expect(client.currentFrame.values["stale"] == nil)
            await stream.cancel()
        }
    }

    @Test("a stream nobody iterates still keeps the history up to date")
    func historyWithoutIterating() async throws {
        try await withClientServer { client, server in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame(values: ["step": 0]))
            client.subscribeLatestFrames(interval: .zero)
            await waitUntil("the first frame is in the history") { client.latestFrame != nil }
            for index in 1...200 {
                try frames.send(frameIndex: UInt32(index), frame: Frame(values: ["step": .int(Int64(index))]))
            }
            await waitUntil("the last frame is in the history") { client.currentFrame.values["step"] == 200 }
            #expect(client.firstFrame?.values["step"] == 0)
        }
    }

    @Test("closing the server ends the iteration normally; closing the client ends its streams")
    func ending() async throws {
        let server = try await startServer()
        try server.session.frames.send(frameIndex: 0, frame: Frame(values: ["a": 1]))
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        let stream = client.subscribeFrames()
        let count = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        await waitUntil("the first frame arrives") { client.latestFrame != nil }
        await server.close()
        #expect(try await count.value == 1)

        let other = try await startServer()
        let otherClient = try NanoverClient(address: "127.0.0.1", port: other.port)
        let open = otherClient.subscribeLatestFrames()
        let reading = Task { for try await _ in open {} }
        await otherClient.close()
        try await reading.value
        await other.close()
        await client.close()
    }

    @Test("a server refusing the stream reaches the reader as its gRPC status")
    func refused() async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame())
            let stream = client.subscribeFrames(interval: .seconds(1))
            var iterator = stream.makeAsyncIterator()
            _ = try await iterator.next()
            for index in 1...(FramePublisher.defaultBacklogLimit + 10) {
                try frames.send(frameIndex: UInt32(index), frame: Frame())
            }
            clock.advance(by: .seconds(2))
            let error = await #expect(throws: RPCError.self) {
                while try await iterator.next() != nil {}
            }
            #expect(error?.code == .resourceExhausted)
        }
    }
}
