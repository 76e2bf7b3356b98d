import ArgumentParser
import Foundation
import NanoverCore
import NanoverGRPC
import UnixSignals

struct InteractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interact",
        abstract: "Pull on particles for a while: hold an interaction, then remove it.",
        discussion: "Prints the interaction's state key when it starts. SIGINT or SIGTERM removes it early."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var token: TokenOption

    @Option(help: "Indices of the particles to pull, as I,J,K.")
    var particles: NumberList

    @Option(help: "Where to pull them towards, in nanometres, as X,Y,Z.")
    var position: NumberList

    @Option(help: "Seconds to hold the interaction.")
    var seconds: Double = 5

    @Option(help: "The force's shape: gaussian or spring.")
    var type = ParticleInteraction.gaussian

    @Option(help: "A factor on the force.")
    var scale: Double = 1

    @Option(help: "The largest force applied, in kJ/(mol nm).")
    var maxForce = ParticleInteraction.defaultMaxForce

    func validate() throws {
        guard position.numbers.count == 3 else { throw ValidationError("--position takes three numbers, X,Y,Z") }
        guard !particles.numbers.isEmpty, particles.numbers.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e15 }) else {
            throw ValidationError("--particles takes particle indices, whole numbers from 0, as I,J,K")
        }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number") }
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: [.sigint, .sigterm])
        let interaction = ParticleInteraction(
            position: SIMD3(position.numbers[0], position.numbers[1], position.numbers[2]),
            particles: particles.numbers.map { Int($0) },
            interactionType: type, scale: scale, maxForce: maxForce)
        try await connection.withSession(token: token.token) { client in
            let key: String
            do {
                key = try await client.startInteraction(interaction)
            } catch InteractionError.refused {
                throw CLIFailure(.refused, "refused: the server did not take the interaction")
            }
            try StandardOutput.writeLine(key)
            try await untilSignalled(signals) { [seconds] in
                try? await Task.sleep(for: .seconds(seconds))
            }
            try await client.stopInteraction(key)
        }
    }
}

/// Comma-separated numbers: `1,2,3`.
struct NumberList: ExpressibleByArgument {
    let numbers: [Double]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == parts.count, numbers.allSatisfy(\.isFinite) else { return nil }
        self.numbers = numbers
    }

    static var defaultValueDescription: String { "A,B,C" }
}
