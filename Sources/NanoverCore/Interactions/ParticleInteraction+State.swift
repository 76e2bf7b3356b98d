extension ParticleInteraction {
    private enum Field {
        static let position = "position"
        static let particles = "particles"
        static let interactionType = "interaction_type"
        static let scale = "scale"
        static let massWeighted = "mass_weighted"
        static let resetVelocities = "reset_velocities"
        static let maxForce = "max_force"
        static let all: Set<String> = [position, particles, interactionType, scale, massWeighted, resetVelocities, maxForce]
    }

    /// The interaction as the value of its state key: the extra properties,
    /// then the fields, which win over properties of the same name.
    public var stateValue: NanoverValue {
        var fields = properties
        fields[Field.position] = .list([.double(position.x), .double(position.y), .double(position.z)])
        fields[Field.particles] = .list(particles.map { .int(Int64($0)) })
        fields[Field.interactionType] = .string(interactionType)
        fields[Field.scale] = .double(scale)
        fields[Field.massWeighted] = .bool(massWeighted)
        fields[Field.resetVelocities] = .bool(resetVelocities)
        fields[Field.maxForce] = .double(maxForce)
        return .structure(fields)
    }

    /// The interaction a state value describes; a field left out takes its
    /// default, as in the reference.
    ///
    /// - Throws: ``InteractionReadError`` for a value that is not a struct
    ///   or a field of the wrong kind (particles must be whole numbers from
    ///   0, the position three numbers).
    public init(stateValue: NanoverValue) throws(InteractionReadError) {
        guard let fields = stateValue.structValue else { throw .notAStruct }
        self.init(properties: fields.filter { !Field.all.contains($0.key) })
        if let value = fields[Field.position] {
            guard let list = value.listValue, list.count == 3,
                  let x = list[0].doubleValue, let y = list[1].doubleValue, let z = list[2].doubleValue
            else { throw .badField(Field.position, expected: "three numbers") }
            position = SIMD3(x, y, z)
        }
        if let value = fields[Field.particles] {
            guard let list = value.listValue else { throw .badField(Field.particles, expected: "a list of particle indices") }
            var indices: [Int] = []
            indices.reserveCapacity(list.count)
            for item in list {
                guard let index = item.intValue, index >= 0 else {
                    throw .badField(Field.particles, expected: "a list of particle indices")
                }
                indices.append(index)
            }
            particles = indices
        }
        if let value = fields[Field.interactionType] {
            guard let string = value.stringValue else { throw .badField(Field.interactionType, expected: "a string") }
            interactionType = string
        }
        scale = try Self.number(fields, Field.scale) ?? scale
        maxForce = try Self.number(fields, Field.maxForce) ?? maxForce
        massWeighted = try Self.flag(fields, Field.massWeighted) ?? massWeighted
        resetVelocities = try Self.flag(fields, Field.resetVelocities) ?? resetVelocities
    }

    private static func number(_ fields: NanoverStruct, _ name: String) throws(InteractionReadError) -> Double? {
        guard let value = fields[name] else { return nil }
        guard let number = value.doubleValue else { throw .badField(name, expected: "a number") }
        return number
    }

    private static func flag(_ fields: NanoverStruct, _ name: String) throws(InteractionReadError) -> Bool? {
        guard let value = fields[name] else { return nil }
        guard let flag = value.boolValue else { throw .badField(name, expected: "true or false") }
        return flag
    }
}
