import NanoverCore
import NanoverMessagePack

/// The NanoVer 2026 protocol's form of frames: one MessagePack map of the
/// frame's keys plus `frame.index`, the standard arrays packed as binary
/// little-endian C-order arrays (float32, uint32 or uint8 by key), the
/// counts and the index as integers, everything else a plain value.
public enum PackedFrameKeys {
    /// The key that carries a frame's index in the 2026 protocol.
    public static let frameIndex = "frame.index"
    /// Packed as float32.
    public static let floats: Set<String> = [
        FrameKey.particlePositions, FrameKey.particleVelocities, FrameKey.particleForces, "particle.forces.system",
        FrameKey.userForcesSparse, FrameKey.boxVectors,
    ]
    /// Packed as uint32.
    public static let indices: Set<String> = [
        FrameKey.bondPairs, FrameKey.particleResidues, FrameKey.residueChains, FrameKey.userForcesIndex,
    ]
    /// Packed as uint8.
    public static let bytes: Set<String> = [FrameKey.particleElements, FrameKey.bondOrders, "particle.colors"]
    /// Integers on the 2026 wire, whatever number a gRPC peer sent.
    public static let integers: Set<String> = [FrameKey.particleCount, FrameKey.residueCount, FrameKey.chainCount]
    /// Keys whose arrays of strings become string arrays of the frame.
    public static let strings: Set<String> = [FrameKey.particleNames, FrameKey.residueNames, FrameKey.residueIDs, FrameKey.chainNames]
    /// Keys the gRPC protocol carries as float arrays though 2026 packs them
    /// as bytes.
    static let bytesAsFloats: Set<String> = [FrameKey.bondOrders]
}

extension Frame {
    /// This frame, with `index`, as the fields of a 2026 frame message.
    /// Arrays that do not fit their packed kind (an element number over
    /// 255, a fractional bond order) travel as plain arrays of numbers,
    /// which 2026 readers accept.
    ///
    /// - Parameter index: The frame's index, written first as
    ///   `frame.index`.
    /// - Returns: The map's entries: `frame.index`, then the values, then
    ///   the arrays, each sorted by key.
    public func messagePackFields(index: UInt32) -> [(MessagePackValue, MessagePackValue)] {
        var fields: [(MessagePackValue, MessagePackValue)] = [(.string(PackedFrameKeys.frameIndex), .uint(UInt64(index)))]
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            if PackedFrameKeys.integers.contains(key), let whole = value.intValue {
                fields.append((.string(key), .int(Int64(whole))))
            } else {
                fields.append((.string(key), value.messagePackValue))
            }
        }
        for (key, array) in arrays.sorted(by: { $0.key < $1.key }) {
            fields.append((.string(key), Self.packed(key, array)))
        }
        return fields
    }

    private static func packed(_ key: String, _ array: FrameArray) -> MessagePackValue {
        switch array {
        case .floats(let floats):
            if PackedFrameKeys.bytes.contains(key) {
                if floats.allSatisfy({ $0 >= 0 && $0 <= 255 && $0 == $0.rounded() }) {
                    return .binary(floats.map { UInt8($0) })
                }
                return .array(floats.map { .double(Double($0)) })
            }
            return .binary(littleEndian(floats.map(\.bitPattern)))
        case .indices(let indices):
            if PackedFrameKeys.bytes.contains(key) {
                if indices.allSatisfy({ $0 <= 255 }) {
                    return .binary(indices.map { UInt8($0) })
                }
                return .array(indices.map { .uint(UInt64($0)) })
            }
            return .binary(littleEndian(indices))
        case .strings(let strings):
            return .array(strings.map(MessagePackValue.string))
        }
    }

    private static func littleEndian(_ words: [UInt32]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: words.count * 4)
        bytes.withUnsafeMutableBytes { buffer in
            for (position, word) in words.enumerated() {
                buffer.storeBytes(of: word.littleEndian, toByteOffset: position * 4, as: UInt32.self)
            }
        }
        return bytes
    }

    /// The frame and index a 2026 frame message's fields hold. Packed keys
    /// may come packed or as flat arrays of numbers; arrays of strings under
    /// the standard name keys become string arrays; `frame.index` is taken
    /// out of the frame.
    ///
    /// - Parameter fields: The entries of the message's `frame` map.
    /// - Returns: The frame and its index.
    /// - Throws: ``FrameMessageError``.
    public static func fromMessagePack(_ fields: [(MessagePackValue, MessagePackValue)]) throws(FrameMessageError) -> ReceivedFrame {
        var frame = Frame()
        var index: UInt32?
        for (keyValue, value) in fields {
            guard case .string(let key) = keyValue else { throw .nonStringKey }
            if key == PackedFrameKeys.frameIndex {
                guard let number = value.wholeNumber, let fitting = UInt32(exactly: number) else { throw .missingIndex }
                index = fitting
                continue
            }
            if let array = try unpacked(key, value) {
                frame.arrays[key] = array
                frame.values[key] = nil
            } else {
                do {
                    frame.values[key] = try NanoverValue(messagePack: value)
                } catch {
                    throw .badValue(key: key, error)
                }
                frame.arrays[key] = nil
            }
        }
        guard let index else { throw .missingIndex }
        return ReceivedFrame(index: index, frame: frame)
    }

    /// The array a packed or string key holds; nil for other keys.
    private static func unpacked(_ key: String, _ value: MessagePackValue) throws(FrameMessageError) -> FrameArray? {
        if PackedFrameKeys.floats.contains(key) {
            switch value {
            case .binary(let bytes):
                return .floats(try words(key, bytes).map(Float.init(bitPattern:)))
            case .array(let elements):
                return .floats(try floats(key, elements))
            default:
                throw .badPackedValue(key: key)
            }
        }
        if PackedFrameKeys.indices.contains(key) || PackedFrameKeys.bytes.contains(key) {
            let isBytes = PackedFrameKeys.bytes.contains(key)
            var indices: [UInt32]
            switch value {
            case .binary(let bytes):
                indices = isBytes ? bytes.map(UInt32.init) : try words(key, bytes)
            case .array(let elements):
                if PackedFrameKeys.bytesAsFloats.contains(key) {
                    return .floats(try floats(key, elements))
                }
                indices = []
                indices.reserveCapacity(elements.count)
                for element in elements {
                    guard let number = element.wholeNumber, let fitting = UInt32(exactly: number) else {
                        throw .badPackedValue(key: key)
                    }
                    indices.append(fitting)
                }
            default:
                throw .badPackedValue(key: key)
            }
            return PackedFrameKeys.bytesAsFloats.contains(key) ? .floats(indices.map { Float($0) }) : .indices(indices)
        }
        if PackedFrameKeys.strings.contains(key), case .array(let elements) = value {
            var strings: [String] = []
            for element in elements {
                guard case .string(let string) = element else { return nil }
                strings.append(string)
            }
            return .strings(strings)
        }
        return nil
    }

    /// A flat array of numbers as floats.
    private static func floats(_ key: String, _ elements: [MessagePackValue]) throws(FrameMessageError) -> [Float] {
        var floats: [Float] = []
        floats.reserveCapacity(elements.count)
        for element in elements {
            guard let number = Self.number(element) else { throw .badPackedValue(key: key) }
            floats.append(Float(number))
        }
        return floats
    }

    /// Little-endian 32-bit words.
    private static func words(_ key: String, _ bytes: [UInt8]) throws(FrameMessageError) -> [UInt32] {
        guard bytes.count % 4 == 0 else { throw .badPackedLength(key: key, count: bytes.count, elementSize: 4) }
        return bytes.withUnsafeBytes { buffer in
            (0..<bytes.count / 4).map { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
    }

    private static func number(_ value: MessagePackValue) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .uint(let number): return Double(number)
        case .float(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }
}

/// Why a 2026 frame message cannot be read.
public enum FrameMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message has no `frame.index`, or not a whole number from 0 to
    /// 2^32 - 1.
    case missingIndex
    /// A key that is not a string.
    case nonStringKey
    /// A packed key whose bytes are not a whole number of elements.
    case badPackedLength(key: String, count: Int, elementSize: Int)
    /// A packed key holding something else than bytes or a flat array of
    /// numbers that fit.
    case badPackedValue(key: String)
    /// A plain value the session cannot hold.
    case badValue(key: String, MessagePackMappingError)

    /// The error in words, naming the key.
    public var description: String {
        switch self {
        case .missingIndex: return "a frame needs frame.index, a whole number from 0"
        case .nonStringKey: return "a frame's keys are strings"
        case .badPackedLength(let key, let count, let size): return "\(key): \(count) bytes are not a whole number of \(size)-byte elements"
        case .badPackedValue(let key): return "\(key) holds neither packed bytes nor a flat array of numbers that fit"
        case .badValue(let key, let error): return "\(key): \(error)"
        }
    }
}
