/// What a recording file holds, found by reading it through once, one entry
/// at a time: for `nanover recording info`. The protocol adapters read the
/// files into it (see their `RecordingSummary` initializers).
public struct RecordingSummary: Sendable {
    /// What a file records, told by its name.
    public enum Kind: String, Sendable {
        /// `.traj`: `GetFrameResponse`s.
        case frames
        /// `.state`: `StateUpdate`s.
        case state
        /// `.nanover.zip`: NanoVer 2026 messages, frames and state alike.
        case messages
    }

    /// The file summarized.
    public let path: String
    /// What it records.
    public let kind: Kind
    /// How many complete entries it holds, decodable or not.
    public private(set) var entries = 0
    /// Microseconds from the start of the recording to the last entry.
    public private(set) var duration: UInt64 = 0
    /// How many entries held a frame.
    public private(set) var frames = 0
    /// How many entries held a state change.
    public private(set) var stateUpdates = 0
    /// The smallest and largest frame index.
    public private(set) var frameIndices: ClosedRange<UInt32>?
    /// How many frames had index 0.
    public private(set) var resets = 0
    /// Every key seen: frame keys, and state keys set or removed.
    public private(set) var keys: Set<String> = []
    /// Entries whose message could not be decoded.
    public private(set) var undecodable = 0
    /// Why the entries end before the file does, for a file cut short.
    public var endedEarly: RecordingError?

    /// An empty summary of the file at `path`, to add its entries to.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - kind: What it records.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// Counts one entry.
    ///
    /// - Parameters:
    ///   - moment: What the entry holds, or nil for an entry that could
    ///     not be decoded.
    ///   - timestamp: When it happened, in microseconds since the recording
    ///     started.
    public mutating func add(_ moment: RecordedMoment?, at timestamp: UInt64) {
        entries += 1
        duration = max(duration, timestamp)
        guard let moment else {
            undecodable += 1
            return
        }
        if let received = moment.frame {
            frames += 1
            frameIndices = frameIndices.map { min($0.lowerBound, received.index)...max($0.upperBound, received.index) }
                ?? received.index...received.index
            resets += received.isReset ? 1 : 0
            keys.formUnion(received.frame.keys)
        }
        if let change = moment.change {
            stateUpdates += 1
            keys.formUnion(change.updates.keys)
            keys.formUnion(change.removals)
        }
    }

    /// The summary as a JSON object's fields.
    public var fields: NanoverStruct {
        var fields: NanoverStruct = [
            "path": .string(path), "kind": .string(kind.rawValue), "entries": .int(Int64(entries)),
            "duration_seconds": .double(Double(duration) / 1_000_000), "keys": .list(keys.sorted().map(NanoverValue.string)),
            "undecodable_entries": .int(Int64(undecodable)), "cut_short": .bool(endedEarly != nil),
        ]
        if kind != .state {
            fields["first_index"] = frameIndices.map { .int(Int64($0.lowerBound)) } ?? .null
            fields["last_index"] = frameIndices.map { .int(Int64($0.upperBound)) } ?? .null
            fields["resets"] = .int(Int64(resets))
        }
        if kind == .messages {
            fields["frames"] = .int(Int64(frames))
            fields["state_updates"] = .int(Int64(stateUpdates))
        }
        if let endedEarly {
            fields["cut_short_at"] = .string(endedEarly.description)
        }
        return fields
    }
}

/// A file that cannot be summarized as a recording.
public enum RecordingSummaryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's name ends in none of `.traj`, `.state` and
    /// `.nanover.zip`, which is how its kind is told.
    case unknownKind(path: String)

    /// The error in words, naming the file.
    public var description: String {
        switch self {
        case .unknownKind(let path): return "\(path): a recording's name ends in .traj (frames), .state (state) or .nanover.zip"
        }
    }
}
