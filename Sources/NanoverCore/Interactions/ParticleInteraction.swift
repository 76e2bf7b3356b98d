import Foundation

/// A user pulling on particles: the value of an `interaction.<id>` state
/// key, which the simulation turns into forces.
///
/// Its state form is a struct of the fields below by their NanoVer names
/// (`position`, `particles`, `interaction_type`, `scale`, `mass_weighted`,
/// `reset_velocities`, `max_force`) plus any extra ``properties``. Stopping
/// an interaction removes its key.
public struct ParticleInteraction: Sendable, Hashable {
    /// The prefix of every interaction's state key.
    public static let keyPrefix = "interaction."
    /// The force of a Gaussian well around ``position``: the default.
    public static let gaussian = "gaussian"
    /// The force of a spring to ``position``.
    public static let spring = "spring"
    /// The largest force the reference applies by default, in kJ/(mol·nm).
    public static let defaultMaxForce = 20_000.0

    /// Where the user pulls towards, in nanometres.
    public var position: SIMD3<Double>
    private var sortedParticles: [Int]
    /// How the force is shaped: ``gaussian``, ``spring``, or another kind a
    /// simulation knows.
    public var interactionType: String
    /// A factor on the force.
    public var scale: Double
    /// Whether the force is scaled by each particle's mass.
    public var massWeighted: Bool
    /// Whether the particles' velocities are reset when the interaction ends.
    public var resetVelocities: Bool
    /// The largest force applied; may be infinite.
    public var maxForce: Double
    /// Any further fields; one named like a field above is ignored.
    public var properties: NanoverStruct

    /// The indices of the particles pulled on, sorted and without
    /// duplicates, however they were given.
    public var particles: [Int] {
        get { sortedParticles }
        set { sortedParticles = Self.normalized(newValue) }
    }

    /// An interaction; every field but the particles has the reference's
    /// default.
    ///
    /// - Parameters:
    ///   - position: Where the user pulls towards, in nanometres.
    ///   - particles: The indices of the particles pulled on, in any order;
    ///     kept sorted and without duplicates.
    ///   - interactionType: ``gaussian`` (the default) or ``spring``, or
    ///     another kind the simulation knows.
    ///   - scale: A factor on the force; 1 by default.
    ///   - massWeighted: Whether the force is scaled by each particle's
    ///     mass; true by default.
    ///   - resetVelocities: Whether the particles' velocities are reset
    ///     when the interaction ends; false by default.
    ///   - maxForce: The largest force applied, in kJ/(mol·nm);
    ///     ``defaultMaxForce`` by default.
    ///   - properties: Further fields to carry in the state value, for
    ///     simulations that read them.
    public init(
        position: SIMD3<Double> = .zero,
        particles: [Int] = [],
        interactionType: String = ParticleInteraction.gaussian,
        scale: Double = 1,
        massWeighted: Bool = true,
        resetVelocities: Bool = false,
        maxForce: Double = ParticleInteraction.defaultMaxForce,
        properties: NanoverStruct = [:]
    ) {
        self.position = position
        self.sortedParticles = Self.normalized(particles)
        self.interactionType = interactionType
        self.scale = scale
        self.massWeighted = massWeighted
        self.resetVelocities = resetVelocities
        self.maxForce = maxForce
        self.properties = properties
    }

    /// A fresh state key for a new interaction: the prefix and a random
    /// UUID.
    ///
    /// - Returns: A key such as `interaction.0f8b…`, lower case.
    public static func makeKey() -> String {
        keyPrefix + UUID().uuidString.lowercased()
    }

    private static func normalized(_ particles: [Int]) -> [Int] {
        Array(Set(particles)).sorted()
    }
}

/// Why a state value is not an interaction.
public enum InteractionReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value is not a struct.
    case notAStruct
    /// A field holds something of the wrong kind.
    case badField(String, expected: String)

    /// The error in words, naming the field.
    public var description: String {
        switch self {
        case .notAStruct: return "an interaction is a struct"
        case .badField(let name, let expected): return "interaction field \"\(name)\" is not \(expected)"
        }
    }
}
