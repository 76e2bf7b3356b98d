import ArgumentParser
import Foundation
import NanoverCore
import NanoverGRPC
import UnixSignals

/// A NanoVer server publishing synthetic frames: what the frames scenario
/// measures, here and (by hand) against the reference's frame server
/// publishing the same frames.
struct FrameServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame-server",
        abstract: "Serve the NanoVer services and publish synthetic frames of N atoms at a steady rate.",
        discussion: """
            First a topology frame with index 0 (particle.count, particle.elements, \
            particle.positions), then the positions alone, each frame moved a little, \
            with indices 1, 2, 3, ... Prints one line saying where it listens, as \
            nanover-server does. The playback commands drive it (playback/play, \
            pause, step, reset, list, load, next: loading or moving on resets). \
            Stops on SIGINT or SIGTERM.
            """
    )

    @Option(help: "Address to listen on.") var address = "127.0.0.1"
    @Option(help: "Port to listen on; 0 lets the system choose.") var port = NanoverServer.defaultPort
    @Option(help: "Atoms in each frame.") var atoms = 20_000
    @Option(help: "Frames published per second.") var rate = 60.0
    @Option(help: "Threads to serve on, as nanover-server has by default.")
    var threads = NanoverServer.Configuration.defaultThreads

    func validate() throws {
        guard atoms >= 0 else { throw ValidationError("--atoms must not be negative") }
        guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be a positive number") }
        guard threads >= 0 else { throw ValidationError("--threads must not be negative") }
    }

    func run() async throws {
        var configuration = NanoverServer.Configuration()
        configuration.threads = threads
        let server = try await NanoverServer.start(address: address, port: port, configuration: configuration)
        FileHandle.standardOutput.write(Data("NanoVer server \"frame-server\" listening on \(address):\(server.port)\n".utf8))
        let player = SyntheticPlayer(publisher: server.session.frames, source: SyntheticFrames(atoms: atoms))
        try player.registerCommands(on: server.session)
        try player.reset()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [rate] in
                // Frames are due at fixed times; one late is sent at once,
                // and the next ones keep the schedule, never a burst.
                let clock = SuspendingClock()
                let period = Duration.seconds(1 / rate)
                var due = clock.now
                while !Task.isCancelled {
                    player.tick()
                    due += period
                    if due < clock.now { due = clock.now }
                    try? await clock.sleep(until: due, tolerance: .zero)
                }
            }
            for await _ in await UnixSignalsSequence(trapping: [.sigint, .sigterm]) {
                break
            }
            group.cancelAll()
        }
        await server.close()
    }
}

/// Atoms on a grid, 0.3 nm apart, all moved along a small circle.
struct SyntheticFrames: Sendable {
    let atoms: Int
    private let base: [Float]

    init(atoms: Int) {
        self.atoms = atoms
        let side = max(1, Int(Double(atoms).squareRoot().rounded(.up)))
        var base: [Float] = []
        base.reserveCapacity(atoms * 3)
        for atom in 0..<atoms {
            base += [Float(atom % side) * 0.3, Float(atom / side) * 0.3, 0]
        }
        self.base = base
    }

    var topology: Frame {
        Frame(
            values: [FrameKey.particleCount: .int(Int64(atoms))],
            arrays: [
                FrameKey.particleElements: .indices(Array(repeating: 6, count: atoms)),
                FrameKey.particlePositions: .floats(base),
            ])
    }

    func positions(step: Int) -> Frame {
        let angle = Double(step) * 0.05
        let dx = Float(0.01 * cos(angle)), dy = Float(0.01 * sin(angle))
        var moved = base
        moved.withUnsafeMutableBufferPointer { values in
            var offset = 0
            while offset < values.count {
                values[offset] += dx
                values[offset + 1] += dy
                offset += 3
            }
        }
        return Frame(arrays: [FrameKey.particlePositions: .floats(moved)])
    }
}
