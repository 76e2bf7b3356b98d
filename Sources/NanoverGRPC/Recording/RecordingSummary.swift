import NanoverCore

/// What a recording file holds, found by reading it through once, one entry
/// at a time: for `nanover recording info`.
public struct RecordingSummary: Sendable {
    /// What a file records, told by its extension.
    public enum Kind: String, Sendable {
        /// `.traj`: `GetFrameResponse`s.
        case frames
        /// `.state`: `StateUpdate`s.
        case state
    }

    public let path: String
    public let kind: Kind
    public private(set) var entries = 0
    /// Microseconds from the start of the recording to the last entry.
    public private(set) var duration: UInt64 = 0
    /// The smallest and largest frame index (frames only).
    public private(set) var frameIndices: ClosedRange<UInt32>?
    /// How many frames had index 0 (frames only).
    public private(set) var resets = 0
    /// Every key seen: frame keys, or state keys set or removed.
    public private(set) var keys: Set<String> = []
    /// Entries whose message could not be decoded.
    public private(set) var undecodable = 0
    /// Why the entries end before the file does, for a file cut short.
    public private(set) var endedEarly: RecordingError?

    /// Reads the recording at `path`.
    ///
    /// - Throws: ``RecordingSummaryError/unknownKind(path:)`` for a name
    ///   ending neither in `.traj` nor `.state`; ``RecordingError`` for a
    ///   file that is not a readable recording.
    public init(path: String) throws {
        if path.hasSuffix(".traj") {
            kind = .frames
        } else if path.hasSuffix(".state") {
            kind = .state
        } else {
            throw RecordingSummaryError.unknownKind(path: path)
        }
        self.path = path
        var reader = try RecordingReader(path: path)
        while let entry = try reader.next() {
            entries += 1
            duration = max(duration, entry.timestamp)
            switch kind {
            case .frames:
                guard let received = try? entry.recordedFrame() else {
                    undecodable += 1
                    continue
                }
                frameIndices = frameIndices.map { min($0.lowerBound, received.index)...max($0.upperBound, received.index) }
                    ?? received.index...received.index
                resets += received.isReset ? 1 : 0
                keys.formUnion(received.frame.keys)
            case .state:
                guard let change = try? entry.recordedStateChange() else {
                    undecodable += 1
                    continue
                }
                keys.formUnion(change.updates.keys)
                keys.formUnion(change.removals)
            }
        }
        endedEarly = reader.endedEarly
    }

    /// The summary as a JSON object's fields.
    public var fields: NanoverStruct {
        var fields: NanoverStruct = [
            "path": .string(path), "kind": .string(kind.rawValue), "entries": .int(Int64(entries)),
            "duration_seconds": .double(Double(duration) / 1_000_000), "keys": .list(keys.sorted().map(NanoverValue.string)),
            "undecodable_entries": .int(Int64(undecodable)), "cut_short": .bool(endedEarly != nil),
        ]
        if kind == .frames {
            fields["first_index"] = frameIndices.map { .int(Int64($0.lowerBound)) } ?? .null
            fields["last_index"] = frameIndices.map { .int(Int64($0.upperBound)) } ?? .null
            fields["resets"] = .int(Int64(resets))
        }
        if let endedEarly {
            fields["cut_short_at"] = .string(endedEarly.description)
        }
        return fields
    }
}

/// A file that cannot be summarized as a recording.
public enum RecordingSummaryError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownKind(path: String)

    public var description: String {
        switch self {
        case .unknownKind(let path): return "\(path): a recording's name ends in .traj (frames) or .state (state)"
        }
    }
}
