import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

/// The README's frames example, as it is written there, so that it stays
/// true. (Its first example is a snippet, run with the documentation
/// snippets.)
@Suite("README example")
struct ReadmeExampleTests {
    @Test("the frames example: a client follows published frames, pulls on particles and runs playback commands")
    func framesExample() async throws {
        let session = NanoverSession(clock: EventLoopClock())
        let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)
        var topology = Frame(values: [FrameKey.particleCount: 3])
        topology.arrays[FrameKey.particleElements] = .indices([6, 6, 6])
        try session.frames.send(frameIndex: 0, frame: topology)
        var frame = Frame()
        frame.setParticlePositions([SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(-1, 0, 0)])
        try session.frames.send(frameIndex: 1, frame: frame)
        let paused = Box(false)
        try session.commands.register(PlaybackCommand.pause) { _ in
            paused.value = true
            return [:]
        }
        try session.commands.register(PlaybackCommand.list) { _ in ["simulations": ["circle"]] }

        let client = try NanoverClient(address: "localhost", port: server.port)
        for try await received in client.subscribeLatestFrames() {
            #expect(received.index == 1)
            #expect(try received.frame.particlePositions()?.count == 3)
            break
        }
        #expect(client.currentFrame.particleCount == 3)
        #expect(client.firstFrame?.particleCount == 3 && client.latestFrame?.index == 1)

        let pull = try await client.startInteraction(ParticleInteraction(position: SIMD3(1, 0, 0), particles: [0, 2]))
        try await client.updateInteraction(pull, to: ParticleInteraction(position: SIMD3(0, 1, 0), particles: [0, 2], interactionType: ParticleInteraction.spring))
        #expect(session.state.copyState()[pull]?["interaction_type"] == "spring")
        try await client.stopInteraction(pull)
        #expect(session.state.copyState()[pull] == nil)

        try await client.playback.pause()
        #expect(paused.value)
        #expect(try await client.playback.list() == ["circle"])
        await client.close()
        await server.close()
        session.close()
    }
}
