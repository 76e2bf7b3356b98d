import NanoverCore
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// Frames to and from the 2026 client: the merged frame first with index
/// 0, the history, publishing through the hub.
@Suite("2026 client: frames")
struct ClientFrameTests {
    static let positions: [SIMD3<Float>] = [SIMD3(0, 0.5, 1), SIMD3(-1.25, 2, 1e-3)]

    static var topology: Frame {
        var frame = Frame(values: [FrameKey.particleCount: 2])
        frame.arrays[FrameKey.particleElements] = .indices([6, 8])
        frame.arrays[FrameKey.particleNames] = .strings(["C", "O"])
        return frame
    }

    static var moved: Frame {
        var frame = Frame()
        frame.setParticlePositions(positions)
        return frame
    }

    @Test("a client joining after a reset and more frames first gets them merged, as index 0")
    func mergedFirstFrame() async throws {
        let hub = try await Hub.start()
        try hub.session.frames.send(frameIndex: 0, frame: Self.topology)
        try hub.session.frames.send(frameIndex: 1, frame: Self.moved)
        let client = try await hub.connect()
        var frames = client.subscribeFrames().makeAsyncIterator()
        let first = try #require(try await frames.next())
        #expect(first.index == 0)
        #expect(first.frame.arrays[FrameKey.particleElements] == .indices([6, 8]))
        #expect(first.frame.arrays[FrameKey.particleNames] == .strings(["C", "O"]))
        #expect(try first.frame.particlePositions() == Self.positions)
        // Counts arrive as integers on the 2026 wire.
        guard case .int(2)? = first.frame.values[FrameKey.particleCount] else {
            Issue.record("particle.count is not the integer 2: \(String(describing: first.frame.values[FrameKey.particleCount]))")
            return
        }
        #expect(client.frameHistory.count == 1)
        #expect(client.firstFrame == first.frame)
        #expect(client.currentFrame == first.frame)
        #expect(client.latestFrame == first)

        // Then the frames that follow, and the history with them.
        var later = Frame()
        later.setParticlePositions(Self.positions.reversed())
        try hub.session.frames.send(frameIndex: 2, frame: later)
        let next = try #require(try await frames.next())
        #expect(next.index == 2)
        #expect(try next.frame.particlePositions() == Self.positions.reversed())
        #expect(try client.currentFrame.particlePositions() == Self.positions.reversed())
        #expect(client.currentFrame.arrays[FrameKey.particleElements] == .indices([6, 8]))
        #expect(client.firstFrame == first.frame)
        await client.close()
        await hub.close()
    }

    @Test("a stream opened later begins with the frame as it stands, as index 0")
    func lateStream() async throws {
        try await withHub { client, hub async throws in
            try hub.session.frames.send(frameIndex: 0, frame: Self.topology)
            try hub.session.frames.send(frameIndex: 1, frame: Self.moved)
            await waitUntil("both frames arrived") { client.currentFrame.arrays[FrameKey.particlePositions] != nil }
            var frames = client.subscribeLatestFrames().makeAsyncIterator()
            let first = try #require(try await frames.next())
            #expect(first.index == 0)
            #expect(first.frame == client.currentFrame)
        }
    }

    @Test("a published frame is numbered by the hub and reaches every client, the publisher included, and the session")
    func publish() async throws {
        try await withHub { publisher, hub async throws in
            let watcher = try await hub.connect()
            let watched = watcher.subscribeFrames()
            let own = publisher.subscribeFrames()
            try await publisher.publishFrame(Self.topology, index: 0)
            try await publisher.publishFrame(Self.moved, index: 41)
            for stream in [watched, own] {
                var seen = FrameHistory()
                for try await frame in stream {
                    seen.receive(frame)
                    if seen.current.arrays[FrameKey.particlePositions] != nil { break }
                }
                #expect(try seen.current.particlePositions() == Self.positions)
                #expect(seen.current.arrays[FrameKey.particleElements] == .indices([6, 8]))
                #expect(seen.first?.arrays[FrameKey.particleElements] == .indices([6, 8]))
                // The hub numbers a client's frames itself: the reset is 0,
                // what follows 1, whatever index the client gave.
                #expect(seen.latest.map { [0, 1].contains($0.index) } == true, "\(String(describing: seen.latest?.index))")
            }
            let current = try #require(hub.session.frames.currentFrame)
            #expect(try current.frame.particlePositions() == Self.positions)
            #expect(current.index == 1)
            await watcher.close()
        }
    }

    @Test("publishing index 0 resets: the merged frame starts afresh")
    func publishReset() async throws {
        try await withHub { client, hub async throws in
            try await client.publishFrame(Self.topology, index: 0)
            try await client.publishFrame(Self.moved, index: 1)
            await waitUntil("the positions come back") { client.currentFrame.arrays[FrameKey.particlePositions] != nil }
            var fresh = Frame(values: ["note": "new simulation"])
            fresh.arrays[FrameKey.particleElements] = .indices([1])
            try await client.publishFrame(fresh, index: 0)
            await waitUntil("the reset comes back") { client.currentFrame.values["note"] != nil }
            #expect(client.currentFrame.arrays[FrameKey.particlePositions] == nil)
            #expect(client.currentFrame.arrays[FrameKey.particleElements] == .indices([1]))
            #expect(client.firstFrame?.values["note"] == "new simulation")
            #expect(hub.session.frames.currentFrame?.frame.arrays[FrameKey.particlePositions] == nil)
        }
    }

    @Test("frame streams finish when the client closes, and a cancelled one at once")
    func streamsFinish() async throws {
        let hub = try await Hub.start()
        let client = try await hub.connect()
        let cancelled = client.subscribeLatestFrames()
        cancelled.cancel()
        #expect(try await cancelled.next() == nil)
        let stream = client.subscribeFrames()
        await client.close()
        #expect(try await stream.next() == nil)
        // Opened after closing: already over.
        #expect(try await client.subscribeFrames().next() == nil)
        await hub.close()
    }
}
