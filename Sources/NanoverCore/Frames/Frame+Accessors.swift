/// Why a frame's key cannot be read as the standard kind asks. Frames carry
/// whatever they were sent; only the typed accessors judge it.
public enum FrameReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key holds another kind of array, or a value.
    case wrongKind(key: String, expected: String)
    /// A triple or pair array whose length is not a multiple of its group.
    case notGroupsOf(Int, key: String, count: Int)

    public var description: String {
        switch self {
        case .wrongKind(let key, let expected):
            return "frame key \"\(key)\" does not hold \(expected)"
        case .notGroupsOf(let size, let key, let count):
            return "frame key \"\(key)\" holds \(count) numbers, not a multiple of \(size)"
        }
    }
}

extension Frame {
    // MARK: Arrays by kind

    /// The floats of `key`; nil if absent.
    public func floats(_ key: String) throws(FrameReadError) -> [Float]? {
        guard let array = arrays[key] else {
            if values[key] != nil { throw .wrongKind(key: key, expected: "an array of floats") }
            return nil
        }
        guard let floats = array.floats else { throw .wrongKind(key: key, expected: "an array of floats") }
        return floats
    }

    /// The indices of `key`; nil if absent.
    public func indices(_ key: String) throws(FrameReadError) -> [UInt32]? {
        guard let array = arrays[key] else {
            if values[key] != nil { throw .wrongKind(key: key, expected: "an array of indices") }
            return nil
        }
        guard let indices = array.indices else { throw .wrongKind(key: key, expected: "an array of indices") }
        return indices
    }

    /// The strings of `key`; nil if absent.
    public func strings(_ key: String) throws(FrameReadError) -> [String]? {
        guard let array = arrays[key] else {
            if values[key] != nil { throw .wrongKind(key: key, expected: "an array of strings") }
            return nil
        }
        guard let strings = array.strings else { throw .wrongKind(key: key, expected: "an array of strings") }
        return strings
    }

    /// The floats of `key` as x,y,z triples; nil if absent.
    public func triples(_ key: String) throws(FrameReadError) -> [SIMD3<Float>]? {
        guard let floats = try floats(key) else { return nil }
        guard floats.count % 3 == 0 else { throw .notGroupsOf(3, key: key, count: floats.count) }
        return stride(from: 0, to: floats.count, by: 3).map { SIMD3(floats[$0], floats[$0 + 1], floats[$0 + 2]) }
    }

    /// Sets `key` to triples, flattened.
    public mutating func setTriples(_ key: String, _ triples: [SIMD3<Float>]) {
        var floats: [Float] = []
        floats.reserveCapacity(triples.count * 3)
        for triple in triples {
            floats.append(triple.x)
            floats.append(triple.y)
            floats.append(triple.z)
        }
        arrays[key] = .floats(floats)
        values[key] = nil
    }

    /// The number of `key`, whatever its kind; nil if absent or not a number.
    public func number(_ key: String) -> Double? {
        values[key]?.doubleValue
    }

    // MARK: Standard keys

    /// ``FrameKey/particlePositions`` as triples, in nanometres.
    public func particlePositions() throws(FrameReadError) -> [SIMD3<Float>]? {
        try triples(FrameKey.particlePositions)
    }

    /// Sets ``FrameKey/particlePositions``.
    public mutating func setParticlePositions(_ positions: [SIMD3<Float>]) {
        setTriples(FrameKey.particlePositions, positions)
    }

    /// ``FrameKey/boxVectors``: three vectors.
    public func boxVectors() throws(FrameReadError) -> [SIMD3<Float>]? {
        try triples(FrameKey.boxVectors)
    }

    /// ``FrameKey/bondPairs`` as pairs of particle indices.
    public func bondPairs() throws(FrameReadError) -> [(UInt32, UInt32)]? {
        guard let flat = try indices(FrameKey.bondPairs) else { return nil }
        guard flat.count % 2 == 0 else { throw .notGroupsOf(2, key: FrameKey.bondPairs, count: flat.count) }
        return stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
    }

    /// Sets ``FrameKey/bondPairs``, flattened.
    public mutating func setBondPairs(_ pairs: [(UInt32, UInt32)]) {
        arrays[FrameKey.bondPairs] = .indices(pairs.flatMap { [$0.0, $0.1] })
        values[FrameKey.bondPairs] = nil
    }

    /// ``FrameKey/particleElements``: atomic numbers.
    public func particleElements() throws(FrameReadError) -> [UInt32]? { try indices(FrameKey.particleElements) }
    /// ``FrameKey/particleNames``.
    public func particleNames() throws(FrameReadError) -> [String]? { try strings(FrameKey.particleNames) }
    /// ``FrameKey/particleResidues``: the residue of each particle.
    public func particleResidues() throws(FrameReadError) -> [UInt32]? { try indices(FrameKey.particleResidues) }
    /// ``FrameKey/residueNames``.
    public func residueNames() throws(FrameReadError) -> [String]? { try strings(FrameKey.residueNames) }
    /// ``FrameKey/residueChains``: the chain of each residue.
    public func residueChains() throws(FrameReadError) -> [UInt32]? { try indices(FrameKey.residueChains) }
    /// ``FrameKey/chainNames``.
    public func chainNames() throws(FrameReadError) -> [String]? { try strings(FrameKey.chainNames) }

    /// ``FrameKey/particleCount``, if it is a whole number.
    public var particleCount: Int? {
        get { values[FrameKey.particleCount]?.intValue }
        set { values[FrameKey.particleCount] = newValue.map { .int(Int64($0)) } }
    }

    /// ``FrameKey/residueCount``, if it is a whole number.
    public var residueCount: Int? { values[FrameKey.residueCount]?.intValue }
    /// ``FrameKey/chainCount``, if it is a whole number.
    public var chainCount: Int? { values[FrameKey.chainCount]?.intValue }
    /// ``FrameKey/kineticEnergy``.
    public var kineticEnergy: Double? { number(FrameKey.kineticEnergy) }
    /// ``FrameKey/potentialEnergy``.
    public var potentialEnergy: Double? { number(FrameKey.potentialEnergy) }
    /// ``FrameKey/userEnergy``.
    public var userEnergy: Double? { number(FrameKey.userEnergy) }
    /// ``FrameKey/simulationTime``.
    public var simulationTime: Double? { number(FrameKey.simulationTime) }
    /// ``FrameKey/simulationCounter``: how many resets the server has seen.
    public var simulationCounter: Int? { values[FrameKey.simulationCounter]?.intValue }

    /// ``FrameKey/serverTimestamp``: seconds on the publishing server's
    /// monotonic clock.
    public var serverTimestamp: Double? {
        get { number(FrameKey.serverTimestamp) }
        set { values[FrameKey.serverTimestamp] = newValue.map(NanoverValue.double) }
    }
}
