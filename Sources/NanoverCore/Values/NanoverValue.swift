/// One value of the NanoVer shared state or of a command's arguments and
/// results: the union of what both NanoVer protocols carry.
///
/// The 2026 protocol (MessagePack) keeps integers apart from floating point,
/// has binary data, and stores nil as a value; the gRPC protocol
/// (`google.protobuf.Value`) has only doubles, no binary, and reads a null
/// at the top level of a state update as a removal. The session holds
/// values exactly as they were written, and each protocol adapter maps them
/// to what its wire can carry (see the gRPC module for its mapping).
///
/// Equality compares numbers by value, whatever their kind: `.int(3)`,
/// `.uint(3)` and `.double(3)` are equal and hash alike, as in Python and as
/// a value that has travelled through gRPC needs. Pattern-match to tell the
/// kinds apart.
///
/// Literals read naturally; integer literals are integers:
///
/// ```swift
/// let value: NanoverValue = ["a": 1, "b": [true, "x", 0.5], "c": nil]
/// ```
public enum NanoverValue: Sendable {
    /// Nil. Stored as a value in the state (a 2026 client may write it); at
    /// the top level of a gRPC state update, null means "remove this key".
    case null
    /// True or false.
    case bool(Bool)
    /// A signed integer.
    case int(Int64)
    /// An unsigned integer; values that fit an `Int64` are usually ``int(_:)``,
    /// and compare equal either way.
    case uint(UInt64)
    /// A floating-point number. NaN and the infinities are ordinary values.
    case double(Double)
    /// A string of Unicode text.
    case string(String)
    /// Binary data, kept as bytes. The 2026 protocol carries it as
    /// MessagePack `bin`; gRPC has no binary value and carries it as a
    /// base64 string.
    case binary([UInt8])
    /// A list of values of any kinds.
    case list([NanoverValue])
    /// A map from string keys to values.
    case structure([String: NanoverValue])
}

/// A map from string keys to values: what command arguments, command
/// results and state changes are made of.
public typealias NanoverStruct = [String: NanoverValue]
