import NanoverCore

/// Frames as the CLI prints them: one compact JSON object, with the index,
/// the particle count and (in full) every value and array. Floats are
/// written as the shortest decimal that reads back as the same 32-bit
/// float; non-finite ones as NanoVer JSON spells them ("NaN", "Infinity").
enum FrameJSON {
    static func line(_ received: ReceivedFrame?, full: Bool, keys: Bool) -> String {
        var fields: [(String, String)] = [("index", received.map { String($0.index) } ?? "null")]
        let frame = received?.frame ?? Frame()
        if keys {
            fields.append(("keys", NanoverJSON.string(.list(frame.keys.sorted().map(NanoverValue.string)))))
        }
        fields.append(("particle_count", particleCount(of: frame).map(String.init) ?? "null"))
        if full {
            fields.append(("values", NanoverJSON.string(.structure(frame.values))))
            let arrays = frame.arrays.sorted { $0.key < $1.key }.map { key, array in
                NanoverJSON.string(.string(key)) + ":" + json(array)
            }
            fields.append(("arrays", "{" + arrays.joined(separator: ",") + "}"))
        }
        return "{" + fields.map { NanoverJSON.string(.string($0.0)) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// `particle.count`, or else the number of position triples.
    static func particleCount(of frame: Frame) -> Int? {
        if let count = frame.particleCount { return count }
        guard let positions = frame.arrays[FrameKey.particlePositions]?.floats, positions.count % 3 == 0 else { return nil }
        return positions.count / 3
    }

    private static func json(_ array: FrameArray) -> String {
        switch array {
        case .floats(let values):
            return "[" + values.map(number).joined(separator: ",") + "]"
        case .indices(let values):
            return "[" + values.map(String.init).joined(separator: ",") + "]"
        case .strings(let values):
            return NanoverJSON.string(.list(values.map(NanoverValue.string)))
        }
    }

    private static func number(_ value: Float) -> String {
        guard value.isFinite else { return NanoverJSON.string(.double(Double(value))) }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) + ".0" : "\(value)"
    }
}
