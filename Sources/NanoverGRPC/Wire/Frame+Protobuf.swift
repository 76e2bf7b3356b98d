import NanoverCore
import NanoverProtocol
import SwiftProtobuf

/// The gRPC protocol's form of frames: `FrameData`, values as
/// `google.protobuf.Value`s (mapped as ``NanoverValue/protobufValue()``
/// maps them) and arrays as `ValueArray`s. Arrays move between the two
/// forms without their elements being copied.
extension Frame {
    /// The frame a `FrameData` holds. An array with no kind set carries
    /// nothing and is left out.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError/nestedTooDeeply(limit:)`` for
    ///   a value nested past the session's limit.
    public init(protobuf data: Nanover_Protocol_Trajectory_FrameData) throws(NanoverValueError) {
        var values = [String: NanoverValue](minimumCapacity: data.values.count)
        for (key, value) in data.values {
            values[key] = try NanoverValue(protobuf: value)
        }
        var arrays = [String: FrameArray](minimumCapacity: data.arrays.count)
        for (key, array) in data.arrays {
            arrays[key] = FrameArray(protobuf: array)
        }
        self.init(values: values, arrays: arrays)
    }

    /// This frame as a `FrameData`.
    ///
    /// - Throws: ``/NanoverCore/NanoverValueError/nestedTooDeeply(limit:)``.
    public func protobufFrameData() throws(NanoverValueError) -> Nanover_Protocol_Trajectory_FrameData {
        var data = Nanover_Protocol_Trajectory_FrameData()
        for (key, value) in values {
            data.values[key] = try value.protobufValue()
        }
        for (key, array) in arrays {
            data.arrays[key] = array.protobufValueArray
        }
        return data
    }
}

extension FrameArray {
    /// The array a `ValueArray` holds; nil when it has no kind set.
    init?(protobuf array: Nanover_Protocol_ValueArray) {
        switch array.values {
        case .floatValues(let floats): self = .floats(floats.values)
        case .indexValues(let indices): self = .indices(indices.values)
        case .stringValues(let strings): self = .strings(strings.values)
        case nil: return nil
        }
    }

    var protobufValueArray: Nanover_Protocol_ValueArray {
        var array = Nanover_Protocol_ValueArray()
        switch self {
        case .floats(let values): array.floatValues.values = values
        case .indices(let values): array.indexValues.values = values
        case .strings(let values): array.stringValues.values = values
        }
        return array
    }
}
