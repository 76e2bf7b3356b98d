/// The standard keys of NanoVer frames. Positions and vectors are flattened
/// x,y,z triples in nanometres.
public enum FrameKey {
    // Particles.
    public static let particlePositions = "particle.positions"
    public static let particleVelocities = "particle.velocities"
    public static let particleForces = "particle.forces"
    public static let particleElements = "particle.elements"
    public static let particleNames = "particle.names"
    public static let particleResidues = "particle.residues"
    public static let particleCount = "particle.count"
    // Residues and chains.
    public static let residueNames = "residue.names"
    public static let residueIDs = "residue.ids"
    public static let residueChains = "residue.chains"
    public static let residueCount = "residue.count"
    public static let chainNames = "chain.names"
    public static let chainCount = "chain.count"
    // Bonds.
    public static let bondPairs = "bond.pairs"
    public static let bondOrders = "bond.orders"
    // System.
    public static let boxVectors = "system.box.vectors"
    public static let simulationTime = "system.simulation.time"
    public static let simulationCounter = "system.simulation.counter"
    public static let temperature = "system.temperature"
    // Energies.
    public static let kineticEnergy = "energy.kinetic"
    public static let potentialEnergy = "energy.potential"
    public static let userEnergy = "energy.user.total"
    // Interactive forces.
    public static let userForcesSparse = "forces.user.sparse"
    public static let userForcesIndex = "forces.user.index"
    public static let userWorkDone = "forces.user.work_done"
    // Set by the server on every frame it publishes.
    public static let serverTimestamp = "server.timestamp"
}
