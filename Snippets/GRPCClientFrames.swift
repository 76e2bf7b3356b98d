// Follow a simulation's frames from a client, keep its latest, first and current frame, and pull on atoms with an interaction.

// snippet.hide
import NanoverCore
import NanoverGRPC

/// Waits until `condition` holds, for at most ten seconds.
@MainActor func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<1_000 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    precondition(condition(), "timed out")
}

// The simulation's side: a reset with the topology, then positions.
let session = NanoverSession()
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)
var topology = Frame(values: [FrameKey.particleCount: 3])
topology.arrays[FrameKey.particleElements] = .indices([6, 8, 6])
try session.frames.send(frameIndex: 0, frame: topology)

// snippet.show
// snippet.frames
let client = try NanoverClient(address: "127.0.0.1", port: server.port)
let frames = client.subscribeLatestFrames()     // or subscribeFrames(): every frame, in order
for try await received in frames {
    print(received.index, received.frame.particleCount ?? 0)   // 0 3: the merged current frame comes first
    break
}
// snippet.hide
var moved = Frame()
moved.setParticlePositions([SIMD3(0, 0, 0), SIMD3(0.1, 0, 0), SIMD3(0.2, 0, 0)])
try session.frames.send(frameIndex: 1, frame: moved)
try await waitUntil { client.latestFrame?.index == 1 }
// snippet.show

// The stream keeps the client's frame history, read at any time:
print(client.latestFrame?.index ?? 0)          // 1: the frame received last
print(client.firstFrame?.particleCount ?? 0)   // 3: the first since the last reset
let positions = try client.currentFrame.particlePositions() ?? []
print(positions.count)                         // 3: every frame since the reset, merged
// snippet.end
// snippet.hide
precondition(client.latestFrame?.frame.particleCount == nil)  // frame 1 carried positions only
precondition(client.firstFrame?.particleCount == 3)
precondition(client.currentFrame.particleCount == 3 && positions.count == 3)
// snippet.show

// snippet.interactions
// Pull atoms 0 and 2 towards a point: an `interaction.<uuid>` key in the shared state.
let pull = try await client.startInteraction(ParticleInteraction(position: SIMD3(1, 0, 0), particles: [2, 0]))
try await client.updateInteraction(
    pull, to: ParticleInteraction(position: SIMD3(0, 1, 0), particles: [0, 2], interactionType: ParticleInteraction.spring))
// snippet.hide
let seen = ParticleInteraction.all(in: server.copyState())[pull]
precondition(seen?.interactionType == ParticleInteraction.spring && seen?.particles == [0, 2])
precondition(client.ownInteractionKeys == [pull])
// snippet.show
try await client.stopInteraction(pull)         // removes the key; close() stops any left
// snippet.end
// snippet.hide
precondition(server.copyState()[pull] == nil)
// snippet.show

await client.close()
await server.close()
session.close()
