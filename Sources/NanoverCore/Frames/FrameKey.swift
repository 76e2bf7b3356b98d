/// The standard keys of NanoVer frames. Positions and vectors are flattened
/// x,y,z triples in nanometres.
///
/// Each key says where it lives in a ``Frame``: in its arrays (of floats,
/// indices or strings, as noted) or in its values. Frames may carry any
/// other key too; these are the ones NanoVer clients know.
public enum FrameKey {
    // Particles.
    /// `particle.positions`: floats, one x,y,z triple per particle, in
    /// nanometres (see ``Frame/particlePositions()``).
    public static let particlePositions = "particle.positions"
    /// `particle.velocities`: floats, one x,y,z triple per particle.
    public static let particleVelocities = "particle.velocities"
    /// `particle.forces`: floats, one x,y,z triple per particle.
    public static let particleForces = "particle.forces"
    /// `particle.elements`: indices, each particle's atomic number (see
    /// ``Frame/particleElements()``).
    public static let particleElements = "particle.elements"
    /// `particle.names`: strings, each particle's name (`CA`, `OW`).
    public static let particleNames = "particle.names"
    /// `particle.residues`: indices, the residue of each particle, into
    /// ``residueNames``.
    public static let particleResidues = "particle.residues"
    /// `particle.count`: a value, how many particles there are.
    public static let particleCount = "particle.count"
    // Residues and chains.
    /// `residue.names`: strings, each residue's name (`ALA`, `HOH`).
    public static let residueNames = "residue.names"
    /// `residue.ids`: strings, each residue's identifier as the
    /// structure file gives it; a reader should accept other kinds too.
    public static let residueIDs = "residue.ids"
    /// `residue.chains`: indices, the chain of each residue, into
    /// ``chainNames``.
    public static let residueChains = "residue.chains"
    /// `residue.count`: a value, how many residues there are.
    public static let residueCount = "residue.count"
    /// `chain.names`: strings, each chain's name.
    public static let chainNames = "chain.names"
    /// `chain.count`: a value, how many chains there are.
    public static let chainCount = "chain.count"
    // Bonds.
    /// `bond.pairs`: indices, flattened pairs of bonded particles (see
    /// ``Frame/bondPairs()``).
    public static let bondPairs = "bond.pairs"
    /// `bond.orders`: floats, the order of each bond of ``bondPairs``.
    public static let bondOrders = "bond.orders"
    // System.
    /// `system.box.vectors`: floats, the periodic box's three vectors (see
    /// ``Frame/boxVectors()``).
    public static let boxVectors = "system.box.vectors"
    /// `system.simulation.time`: a value, the simulation's own time.
    public static let simulationTime = "system.simulation.time"
    /// `system.simulation.counter`: a value the server sets on every reset
    /// (index 0): 0 for the first, then counting resets (see
    /// ``FramePublisher``).
    public static let simulationCounter = "system.simulation.counter"
    /// `system.temperature`: a value, the system's temperature.
    public static let temperature = "system.temperature"
    // Energies.
    /// `energy.kinetic`: a value, the kinetic energy.
    public static let kineticEnergy = "energy.kinetic"
    /// `energy.potential`: a value, the potential energy.
    public static let potentialEnergy = "energy.potential"
    /// `energy.user.total`: a value, the energy of the users'
    /// interactions.
    public static let userEnergy = "energy.user.total"
    // Interactive forces.
    /// `forces.user.sparse`: floats, one x,y,z force triple for each
    /// particle of ``userForcesIndex``: the forces users apply.
    public static let userForcesSparse = "forces.user.sparse"
    /// `forces.user.index`: indices, the particles that
    /// ``userForcesSparse`` gives forces for.
    public static let userForcesIndex = "forces.user.index"
    /// `forces.user.work_done`: a value, the work the users' forces have
    /// done.
    public static let userWorkDone = "forces.user.work_done"
    // Set by the server on every frame it publishes.
    /// `server.timestamp`: a value the publisher sets on every frame, the
    /// seconds of its monotonic clock when the frame was sent (as the
    /// reference stamps it), so that a client on the same machine can tell
    /// a frame's latency.
    public static let serverTimestamp = "server.timestamp"
}
