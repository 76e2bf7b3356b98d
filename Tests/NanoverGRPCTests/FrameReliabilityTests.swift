import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverProtocol
import NanoverTestSupport
import Testing

@Suite("Frames under stress: stalled readers, closing, odd and huge frames, hostile requests")
struct FrameReliabilityTests {
    private static let subscribeFrames = "/nanover.protocol.trajectory.TrajectoryService/SubscribeFrames"
    private static let subscribeLatestFrames = "/nanover.protocol.trajectory.TrajectoryService/SubscribeLatestFrames"

    @Test("subscribers that never read keep the server's frames bounded, and the others receive every frame", arguments: [
        subscribeFrames, subscribeLatestFrames,
    ])
    func stalledSubscriber(path: String) async throws {
        try await withClientServer { client, server in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame())
            let stalled = try StalledHTTP2Client(port: server.port, path: path, message: [])
            let stream = client.subscribeFrames()
            await waitUntil("both subscriptions are open") { frames.subscriptionCount == 2 }
            // 40 kB a frame, 600 frames: 24 MB were every frame kept for the
            // stalled reader, far past HTTP/2's windows and socket buffers.
            let positions = Frame(arrays: [FrameKey.particlePositions: .floats(Array(repeating: 1, count: 10_000))])
            var received: [UInt32] = []
            var iterator = stream.makeAsyncIterator()
            _ = try await iterator.next()
            for index in 1...600 {
                try frames.send(frameIndex: UInt32(index), frame: positions)
                #expect(frames.keptFrameCount <= frames.backlogLimit)
                // Read as it goes, so the reading client never falls behind.
                received.append(try #require(try await iterator.next()).index)
            }
            #expect(received == Array(1...600))
            #expect(frames.keptFrameCount <= frames.backlogLimit)
            await stream.cancel()
            withExtendedLifetime(stalled) {}
        }
    }

    @Test("closing the server with 20 open frame streams of both kinds ends each normally")
    func closeWithOpenStreams() async throws {
        let server = try await startServer()
        try server.session.frames.send(frameIndex: 0, frame: Frame(values: ["a": 1]))
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        let streams = (0..<20).map { $0.isMultiple(of: 2) ? client.subscribeFrames() : client.subscribeLatestFrames(interval: .seconds(1)) }
        let counts = Task {
            var counts: [Int] = []
            for stream in streams {
                var count = 0
                for try await _ in stream { count += 1 }
                counts.append(count)
            }
            return counts
        }
        await waitUntil("every stream is open") { server.session.frames.subscriptionCount == 20 }
        await server.close()
        #expect(try await counts.value == Array(repeating: 1, count: 20))
        await client.close()
    }

    @Test("empty frames travel: a reset with nothing but the server's keys, then an empty frame")
    func emptyFrames() async throws {
        try await withClientServer { client, server in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame())
            let stream = client.subscribeFrames()
            var iterator = stream.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(first.index == 0)
            #expect(first.frame.keys == [FrameKey.serverTimestamp, FrameKey.simulationCounter])
            try frames.send(frameIndex: 1, frame: Frame())
            let second = try #require(try await iterator.next())
            #expect(second.index == 1 && second.frame.keys == [FrameKey.serverTimestamp])
            await stream.cancel()
        }
    }

    @Test("a frame of 10 million floats reaches a client whole")
    func hugeFrame() async throws {
        try await withClientServer { client, server in
            var floats = [Float](repeating: 0, count: 10_000_000)
            floats[9_999_999] = 7
            try server.session.frames.send(frameIndex: 0, frame: Frame(arrays: [FrameKey.particlePositions: .floats(floats)]))
            let stream = client.subscribeFrames()
            var iterator = stream.makeAsyncIterator()
            let received = try #require(try await iterator.next())
            let positions = try #require(try received.frame.floats(FrameKey.particlePositions))
            #expect(positions.count == 10_000_000 && positions.last == 7)
            await stream.cancel()
        }
    }

    @Test("mismatched arrays are carried over the wire, and the typed accessors say what is wrong")
    func mismatchedArrays() async throws {
        try await withClientServer { client, server in
            try server.session.frames.send(frameIndex: 0, frame: Frame(arrays: [
                FrameKey.particlePositions: .floats([1, 2, 3, 4]),
                FrameKey.bondPairs: .indices([0, 1, 2]),
                FrameKey.particleElements: .floats([6]),
            ]))
            let stream = client.subscribeFrames()
            var iterator = stream.makeAsyncIterator()
            let frame = try #require(try await iterator.next()).frame
            #expect(frame.arrays[FrameKey.particlePositions] == .floats([1, 2, 3, 4]))
            #expect(throws: FrameReadError.notGroupsOf(3, key: FrameKey.particlePositions, count: 4)) { try frame.particlePositions() }
            #expect(throws: FrameReadError.notGroupsOf(2, key: FrameKey.bondPairs, count: 3)) { try frame.bondPairs() }
            #expect(throws: FrameReadError.self) { try frame.particleElements() }
            await stream.cancel()
        }
    }

    @Test("request bytes that are not a GetFrameRequest end the stream with INVALID_ARGUMENT, and the server goes on", arguments: [
        Nanover_Protocol_Trajectory_TrajectoryService.Method.SubscribeFrames.descriptor,
        Nanover_Protocol_Trajectory_TrajectoryService.Method.SubscribeLatestFrames.descriptor,
    ])
    func hostileRequest(method: MethodDescriptor) async throws {
        try await withClientServer { client, server in
            try server.session.frames.send(frameIndex: 0, frame: Frame(values: ["a": 1]))
            for garbage: [UInt8] in [[0xFF, 0xFF, 0xFF], [0x15, 0x00], [0x0A, 0x7F, 0x01]] {
                let error = await #expect(throws: RPCError.self) {
                    try await client.connection.grpcClient.serverStreaming(
                        request: ClientRequest(message: garbage), descriptor: method,
                        serializer: RawBytesSerializer(), deserializer: RawBytesDeserializer(), options: .defaults
                    ) { response in
                        for try await _ in response.messages {}
                    }
                }
                #expect(error?.code == .invalidArgument, "\(method): \(garbage)")
            }
            let stream = client.subscribeLatestFrames()
            var iterator = stream.makeAsyncIterator()
            #expect(try await iterator.next()?.frame.values["a"] == 1)
            await stream.cancel()
        }
    }
}
