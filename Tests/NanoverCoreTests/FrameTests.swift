import NanoverCore
import Testing

@Suite("Frames")
struct FrameTests {
    @Test("merging replaces each key, arrays whole, and a key is a value or an array")
    func merging() {
        var frame = Frame(values: ["particle.count": 2, "energy.kinetic": 1.5], arrays: ["particle.positions": .floats([0, 0, 0, 1, 1, 1])])
        frame.merge(Frame(values: ["energy.kinetic": 2.5, "particle.positions": "now a value"], arrays: ["bond.pairs": .indices([0, 1])]))
        #expect(frame.values == ["particle.count": 2, "energy.kinetic": 2.5, "particle.positions": "now a value"])
        #expect(frame.arrays == ["bond.pairs": .indices([0, 1])])
        #expect(frame.keys == ["particle.count", "energy.kinetic", "particle.positions", "bond.pairs"])
        #expect(Frame().isEmpty)
    }

    @Test("standard keys read and write in their kinds")
    func standardKeys() throws {
        var frame = Frame()
        frame.setParticlePositions([SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        frame.setBondPairs([(0, 1)])
        frame.particleCount = 2
        frame.serverTimestamp = 12.5
        frame.arrays[FrameKey.particleElements] = .indices([1, 8])
        frame.arrays[FrameKey.particleNames] = .strings(["H", "O"])
        frame.arrays[FrameKey.boxVectors] = .floats([1, 0, 0, 0, 1, 0, 0, 0, 1])
        frame.values[FrameKey.kineticEnergy] = 3
        #expect(frame.arrays[FrameKey.particlePositions] == .floats([0, 1, 2, 3, 4, 5]))
        #expect(try frame.particlePositions() == [SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        #expect(try frame.bondPairs()?.map { [$0.0, $0.1] } == [[0, 1]])
        #expect(try frame.particleElements() == [1, 8])
        #expect(try frame.particleNames() == ["H", "O"])
        #expect(try frame.boxVectors()?.count == 3)
        #expect(frame.particleCount == 2)
        #expect(frame.serverTimestamp == 12.5)
        #expect(frame.kineticEnergy == 3)
        #expect(try frame.residueNames() == nil)
    }

    @Test("mismatched arrays are carried, and the typed accessors say what is wrong")
    func mismatched() {
        let frame = Frame(values: ["particle.names": 1], arrays: [
            "particle.positions": .floats([0, 1, 2, 3]), "bond.pairs": .indices([0, 1, 2]), "particle.elements": .floats([1]),
        ])
        #expect(frame.arrays["particle.positions"]?.count == 4)
        #expect(throws: FrameReadError.notGroupsOf(3, key: "particle.positions", count: 4)) { try frame.particlePositions() }
        #expect(throws: FrameReadError.notGroupsOf(2, key: "bond.pairs", count: 3)) { try frame.bondPairs() }
        #expect(throws: FrameReadError.wrongKind(key: "particle.elements", expected: "an array of indices")) { try frame.particleElements() }
        #expect(throws: FrameReadError.wrongKind(key: "particle.names", expected: "an array of strings")) { try frame.particleNames() }
    }
}
