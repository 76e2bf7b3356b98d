/// One frame of a simulation: a partial update of plain values and typed
/// arrays, by key (see ``FrameKey`` for the standard keys).
///
/// A frame carries only what changed; ``merge(_:)`` folds a later frame in,
/// each key replacing the same key (arrays are replaced, never joined).
/// Arrays are Swift arrays, shared rather than copied: merging frames or
/// converting them to and from a protocol's form moves a 100,000-atom
/// positions array without copying its elements.
public struct Frame: Sendable, Hashable {
    /// Plain values: counts, energies, times.
    public var values: [String: NanoverValue]
    /// Typed arrays: positions, elements, bonds, names.
    public var arrays: [String: FrameArray]

    /// A frame of these values and arrays; an empty frame by default.
    ///
    /// - Parameters:
    ///   - values: Plain values by key, such as
    ///     ``FrameKey/particleCount``.
    ///   - arrays: Typed arrays by key, such as
    ///     ``FrameKey/particlePositions``. A key should be in one of the two
    ///     only: a protocol's form holds each key once.
    public init(values: [String: NanoverValue] = [:], arrays: [String: FrameArray] = [:]) {
        self.values = values
        self.arrays = arrays
    }

    /// Whether the frame holds no key at all.
    public var isEmpty: Bool {
        values.isEmpty && arrays.isEmpty
    }

    /// Every key, values' and arrays'.
    public var keys: Set<String> {
        Set(values.keys).union(arrays.keys)
    }

    /// Folds a later frame into this one: each of its keys replaces the same
    /// key here. A key is either a value or an array: a later value removes
    /// an array of the same key, and the other way round.
    ///
    /// - Parameter later: The frame that came after this one.
    public mutating func merge(_ later: Frame) {
        for (key, value) in later.values {
            values[key] = value
            arrays[key] = nil
        }
        for (key, array) in later.arrays {
            arrays[key] = array
            values[key] = nil
        }
    }

    /// This frame with a later one folded in (see ``merge(_:)``).
    ///
    /// - Parameter later: The frame that came after this one.
    /// - Returns: The merged frame.
    public func merging(_ later: Frame) -> Frame {
        var merged = self
        merged.merge(later)
        return merged
    }
}

/// A typed array of a frame.
public enum FrameArray: Sendable, Hashable {
    /// 32-bit floats: positions, velocities, forces, box vectors.
    case floats([Float])
    /// Unsigned 32-bit integers: elements, bond pairs, residue and chain
    /// indices.
    case indices([UInt32])
    /// Strings: particle, residue and chain names.
    case strings([String])

    /// How many elements it holds.
    public var count: Int {
        switch self {
        case .floats(let values): return values.count
        case .indices(let values): return values.count
        case .strings(let values): return values.count
        }
    }

    /// The floats, if this is an array of floats; nil otherwise.
    public var floats: [Float]? {
        if case .floats(let values) = self { return values }
        return nil
    }

    /// The indices, if this is an array of unsigned integers; nil
    /// otherwise.
    public var indices: [UInt32]? {
        if case .indices(let values) = self { return values }
        return nil
    }

    /// The strings, if this is an array of strings; nil otherwise.
    public var strings: [String]? {
        if case .strings(let values) = self { return values }
        return nil
    }
}
