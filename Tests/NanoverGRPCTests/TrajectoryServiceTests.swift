import GRPCCore
import GRPCNIOTransportHTTP2
import NanoverCore
import NanoverGRPC
import NanoverProtocol
import NanoverTesting
import NanoverTestSupport
import Testing

@Suite("Trajectory service over gRPC")
struct TrajectoryServiceTests {
    private func request(interval: Float = 0) -> Nanover_Protocol_Trajectory_GetFrameRequest {
        .with { $0.frameInterval = interval }
    }

    private typealias TrajectoryClient = Nanover_Protocol_Trajectory_TrajectoryService.Client<HTTP2ClientTransport.Posix>

    /// A server (on `clock`, if given) and a trajectory client of it over a
    /// connection closed afterwards; `body` closes the server.
    private func withTrajectory(
        clock: ManualClock? = nil, _ body: (NanoverServer, TrajectoryClient) async throws -> Void
    ) async throws {
        let server = try await startServer(clock: clock)
        let connection = try NanoverConnection.insecure(address: "127.0.0.1", port: server.port)
        do {
            try await body(server, TrajectoryClient(wrapping: connection.grpcClient))
        } catch {
            await server.close()
            await connection.close()
            throw error
        }
        await connection.close()
    }

    @Test("a late subscriber gets the merged frame, then every frame, and closing ends the stream normally")
    func subscribeFrames() async throws {
        try await withTrajectory { server, trajectory in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame(values: [FrameKey.particleCount: 2], arrays: [FrameKey.particleElements: .indices([1, 8])]))
            try frames.send(frameIndex: 1, frame: Frame(arrays: [FrameKey.particlePositions: .floats([0, 0, 0, 1, 1, 1])]))
            let received = Box<[(UInt32, Frame)]>([])
            let reading = Task {
                try await trajectory.subscribeFrames(request()) { response in
                    for try await message in response.messages {
                        let frame = try Frame(protobuf: message.frame)
                        received.mutate { $0.append((message.frameIndex, frame)) }
                    }
                }
            }
            await waitUntil("the merged frame arrives") { received.value.count == 1 }
            try frames.send(frameIndex: 2, frame: Frame(values: [FrameKey.kineticEnergy: 1.5]))
            await waitUntil("the next frame arrives") { received.value.count == 2 }
            await server.close()
            try await reading.value
            let (firstIndex, first) = received.value[0]
            #expect(firstIndex == 1)
            #expect(try first.particleElements() == [1, 8])
            #expect(try first.particlePositions()?.count == 2)
            #expect(first.particleCount == 2)
            #expect(first.serverTimestamp != nil)
            let (secondIndex, second) = received.value[1]
            #expect(secondIndex == 2)
            #expect(second.kineticEnergy == 1.5)
            #expect(second.arrays.isEmpty)
        }
    }

    @Test("a subscriber of every frame that falls too far behind ends with RESOURCE_EXHAUSTED")
    func fallsBehind() async throws {
        let clock = ManualClock()
        try await withTrajectory(clock: clock) { server, trajectory in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame())
            let received = Box(0)
            let reading = Task {
                try await trajectory.subscribeFrames(request(interval: 1)) { response in
                    for try await _ in response.messages {
                        received.mutate { $0 += 1 }
                    }
                }
            }
            await waitUntil("the first frame arrives") { received.value == 1 }
            // Held back by its interval on the manual clock while far more
            // frames are published than the publisher keeps; then its interval
            // passes (it may already have found itself behind).
            for index in 1...(FramePublisher.defaultBacklogLimit + 10) {
                try frames.send(frameIndex: UInt32(index), frame: Frame(values: ["i": .int(Int64(index))]))
            }
            clock.advance(by: .seconds(2))
            let error = await #expect(throws: RPCError.self) { try await reading.value }
            #expect(error?.code == .resourceExhausted)
            await server.close()
        }
    }

    @Test("the latest frames arrive merged, and a reset among them arrives as a reset")
    func subscribeLatest() async throws {
        let clock = ManualClock()
        try await withTrajectory(clock: clock) { server, trajectory in
            let frames = server.session.frames
            try frames.send(frameIndex: 0, frame: Frame(values: ["topology": 1]))
            let received = Box<[(UInt32, Frame)]>([])
            let reading = Task {
                try await trajectory.subscribeLatestFrames(request(interval: 1)) { response in
                    for try await message in response.messages {
                        let frame = try Frame(protobuf: message.frame)
                        received.mutate { $0.append((message.frameIndex, frame)) }
                    }
                }
            }
            await waitUntil("the first frame arrives") { received.value.count == 1 }
            try frames.send(frameIndex: 1, frame: Frame(values: ["stale": true]))
            try frames.send(frameIndex: 0, frame: Frame(values: ["topology": 2]))
            try frames.send(frameIndex: 1, frame: Frame(values: ["fresh": true]))
            await waitUntil("the subscriber waits out its interval") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(1))
            await waitUntil("the merged frame arrives") { received.value.count == 2 }
            let (index, merged) = received.value[1]
            #expect(index == 0)
            #expect(merged.values["stale"] == nil)
            #expect(merged.values["topology"] == 2.0 && merged.values["fresh"] == true)
            await server.close()
            try await reading.value
        }
    }
}
