// A simulation embedding a NanoVer hub: three particles going round a
// circle of 1 nm, published at 30 frames a second. Watch it with
// `nanover frames watch --latest`, or connect a NanoVer VR client.
//
//     swift run nanover-circle [PORT]      (default 38801; 0 picks a free port)
import Foundation
import Logging
import NanoverCore
import NanoverGRPC
import ServiceLifecycle

/// Publishes the particles' positions until the program is asked to stop.
struct Circle: Service {
    let frames: FramePublisher
    let particles = 3

    func run() async throws {
        var topology = Frame(values: [FrameKey.particleCount: .int(Int64(particles))])
        topology.arrays[FrameKey.particleElements] = .indices(Array(repeating: 6, count: particles))  // carbon
        try frames.send(frameIndex: 0, frame: topology)  // index 0: a new simulation

        let clock = ContinuousClock()
        var due = clock.now
        var index: UInt32 = 1
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let turn = Double(index) / 90  // one turn every 3 seconds
            var frame = Frame()
            frame.setParticlePositions((0..<particles).map { particle in
                let angle = 2 * Double.pi * (turn + Double(particle) / Double(particles))
                return SIMD3(Float(cos(angle)), Float(sin(angle)), 0)
            })
            try frames.send(frameIndex: index, frame: frame)  // then 1, 2, 3, ...: what changed
            index += 1
            due += .seconds(1.0 / 30)
            try? await clock.sleep(until: due)
        }
    }
}

let session = NanoverSession(clock: EventLoopClock())
let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? NanoverServer.defaultPort
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: port)
print("circle simulation listening on 127.0.0.1:\(server.port)")
fflush(nil)
// SIGINT or SIGTERM: the group stops its services last first: the
// publisher, then the server, which ends its streams.
let group = ServiceGroup(
    services: [server, Circle(frames: session.frames)],
    gracefulShutdownSignals: [.sigint, .sigterm],
    logger: Logger(label: "nanover.circle"))
try await group.run()
session.close()
