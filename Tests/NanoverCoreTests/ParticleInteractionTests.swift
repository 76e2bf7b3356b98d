import NanoverCore
import Testing

@Suite("Particle interactions as state values")
struct ParticleInteractionTests {
    @Test("the state form has the contract's fields and defaults, particles sorted and without duplicates")
    func stateForm() throws {
        let interaction = ParticleInteraction(position: SIMD3(1, 2, 3), particles: [5, 1, 5, 3])
        let fields = try #require(interaction.stateValue.structValue)
        #expect(fields["position"] == [1.0, 2.0, 3.0])
        #expect(fields["particles"] == [1, 3, 5])
        #expect(fields["interaction_type"] == "gaussian")
        #expect(fields["scale"] == 1)
        #expect(fields["mass_weighted"] == true)
        #expect(fields["reset_velocities"] == false)
        #expect(fields["max_force"] == 20000)
        #expect(fields.count == 7)
    }

    @Test("extra properties travel along; a property named like a field loses to the field")
    func properties() throws {
        let interaction = ParticleInteraction(particles: [2], properties: ["label": "pull", "scale": 99])
        let fields = try #require(interaction.stateValue.structValue)
        #expect(fields["label"] == "pull")
        #expect(fields["scale"] == 1)
        let read = try ParticleInteraction(stateValue: interaction.stateValue)
        #expect(read.properties == ["label": "pull"])
    }

    @Test("a state value reads back, numbers arriving as doubles as over gRPC; missing fields take their defaults")
    func reading() throws {
        let spring = ParticleInteraction(
            position: SIMD3(0.5, -1, 2), particles: [4, 2], interactionType: ParticleInteraction.spring, scale: 3,
            massWeighted: false, resetVelocities: true, maxForce: .infinity)
        #expect(try ParticleInteraction(stateValue: spring.stateValue) == spring)

        let asDoubles: NanoverValue = ["particles": [2.0, 4.0], "position": [0.5, -1.0, 2.0]]
        let read = try ParticleInteraction(stateValue: asDoubles)
        #expect(read.particles == [2, 4])
        #expect(read.interactionType == "gaussian" && read.scale == 1 && read.massWeighted && !read.resetVelocities)
        #expect(read.maxForce == ParticleInteraction.defaultMaxForce)
    }

    @Test("a value that is not an interaction says which field is wrong")
    func malformed() {
        #expect(throws: InteractionReadError.notAStruct) { try ParticleInteraction(stateValue: "pull") }
        #expect(throws: InteractionReadError.badField("position", expected: "three numbers")) {
            try ParticleInteraction(stateValue: ["position": [1, 2]])
        }
        #expect(throws: InteractionReadError.badField("particles", expected: "a list of particle indices")) {
            try ParticleInteraction(stateValue: ["particles": [1.5]])
        }
        #expect(throws: InteractionReadError.badField("mass_weighted", expected: "true or false")) {
            try ParticleInteraction(stateValue: ["mass_weighted": 1])
        }
    }

    @Test("new keys are interaction keys, each different")
    func keys() {
        let first = ParticleInteraction.makeKey(), second = ParticleInteraction.makeKey()
        #expect(first.hasPrefix("interaction.") && first != second)
    }
}
