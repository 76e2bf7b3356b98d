/// How large a session's state may grow. A change that would take the
/// state past a limit is refused whole (``StateError/overLimit(_:)``); a
/// change that shrinks the state is always allowed.
public struct StateLimits: Sendable, Hashable {
    /// The most keys the state may hold.
    public var maxKeys: Int
    /// The most bytes its keys and values may take, as
    /// ``NanoverValue/sizeEstimate`` counts them.
    public var maxBytes: Int

    /// Limits of the state; ``standard`` by default.
    ///
    /// - Parameters:
    ///   - maxKeys: The most keys the state may hold.
    ///   - maxBytes: The most bytes its keys and values may take, as
    ///     ``NanoverValue/sizeEstimate`` counts them.
    public init(maxKeys: Int = 1_000_000, maxBytes: Int = 256 * 1024 * 1024) {
        self.maxKeys = maxKeys
        self.maxBytes = maxBytes
    }

    /// A million keys and 256 MiB: far above any real session, low enough
    /// that a runaway client cannot take the hub's memory.
    public static let standard = StateLimits()
}

extension NanoverValue {
    /// About how many bytes this value takes when encoded by either NanoVer
    /// protocol: what the state's byte limit counts. Scalars count 9, strings
    /// and binary their length plus 5, lists and structs their contents plus
    /// 5 each (and 5 per struct key besides its length).
    public var sizeEstimate: Int {
        switch self {
        case .null, .bool, .int, .uint, .double:
            return 9
        case .string(let string):
            return string.utf8.count + 5
        case .binary(let bytes):
            return bytes.count + 5
        case .list(let list):
            return list.reduce(5) { $0 + $1.sizeEstimate }
        case .structure(let fields):
            return fields.reduce(5) { $0 + $1.key.utf8.count + 5 + $1.value.sizeEstimate }
        }
    }
}
