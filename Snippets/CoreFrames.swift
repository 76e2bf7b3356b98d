// Publish a simulation's frames through a session, with no network: the topology as a reset, then what changes, read back by subscribers of every frame and of the latest frames.

// snippet.hide
import NanoverCore

// snippet.show
// snippet.publish
let session = NanoverSession()
let everyFrame = session.frames.subscribe(.every)
let latestFrames = session.frames.subscribe(.latest)

// Index 0, a reset: the topology and where the atoms start.
var topology = Frame(values: [FrameKey.particleCount: 3])
topology.arrays[FrameKey.particleElements] = .indices([8, 1, 1])
topology.setParticlePositions([SIMD3(0, 0, 0), SIMD3(0.1, 0, 0), SIMD3(-0.03, 0.09, 0)])
try session.frames.send(frameIndex: 0, frame: topology)

// Then 1, 2, 3, ...: only what changed.
for index in 1...3 {
    var frame = Frame()
    let shift = Float(index) * 0.125
    frame.setParticlePositions([SIMD3(shift, 0, 0), SIMD3(0.1 + shift, 0, 0), SIMD3(-0.03 + shift, 0.09, 0)])
    try session.frames.send(frameIndex: UInt32(index), frame: frame)
}
// snippet.end

// snippet.subscribe
// Every frame, in order.
var indices: [UInt32] = []
for try await published in everyFrame {
    indices.append(published.index)  // 0, 1, 2, 3
    if published.index == 3 { break }
}

// The latest frames, merged: nothing read yet, so one message. It keeps
// index 0, since a reset is never hidden, and carries all four frames.
let merged = try await latestFrames.next()!
let positions = try merged.frame.particlePositions()!
print(merged.index, merged.frame.particleCount!, positions[0])  // 0 3 SIMD3<Float>(0.375, 0.0, 0.0)

// What a new subscriber is sent first: the current frame, every frame since the reset merged.
let current = session.frames.currentFrame!
let elements = try current.frame.particleElements()!
print(current.index, elements)  // 3 [8, 1, 1]
print(current.frame.serverTimestamp!, current.frame.simulationCounter!)  // seconds on the session's clock, 0
// snippet.end
// snippet.hide
precondition(indices == [0, 1, 2, 3])
precondition(merged.index == 0 && merged.frame.particleCount == 3)
precondition(positions.count == 3 && positions[0] == SIMD3(0.375, 0, 0))
precondition(current.index == 3)
precondition(elements == [8, 1, 1])
precondition(current.frame.serverTimestamp != nil && current.frame.simulationCounter == 0)
// snippet.show

// snippet.reset
// A new topology: another reset. The current frame starts afresh from it.
try session.frames.send(frameIndex: 0, frame: Frame(values: [FrameKey.particleCount: 1]))
let afresh = session.frames.currentFrame!
print(afresh.frame.particleCount!, afresh.frame.simulationCounter!)  // 1 1: the publisher counts resets
print(afresh.frame.arrays.isEmpty)  // true: nothing from before the reset

// Typed accessors say what does not fit instead of guessing.
var odd = Frame()
odd.arrays[FrameKey.particlePositions] = .floats([0, 1, 2, 3])
var problem: FrameReadError?
do {
    _ = try odd.particlePositions()
} catch {
    problem = error  // notGroupsOf(3, key: "particle.positions", count: 4)
}
// snippet.end
// snippet.hide
precondition(afresh.index == 0 && afresh.frame.particleCount == 1 && afresh.frame.simulationCounter == 1)
precondition(afresh.frame.arrays.isEmpty)
precondition(problem == .notGroupsOf(3, key: FrameKey.particlePositions, count: 4))
// snippet.show

// snippet.close
session.close()  // subscriptions get what is due, then end
var remaining: [UInt32] = []
for try await published in everyFrame {
    remaining.append(published.index)  // the second reset, 0; then the stream ends
}
// snippet.end
// snippet.hide
precondition(remaining == [0])
let lastLatest = try await latestFrames.next()
let afterLast = try await latestFrames.next()
precondition(lastLatest?.index == 0 && afterLast == nil)
// snippet.show
