/// One value of the NanoVer shared state or of a command's arguments and
/// results: exactly what a `google.protobuf.Value` can hold.
///
/// Numbers are doubles, as on the wire: an integer sent as `3` comes back as
/// `3.0`. The typed accessors (``intValue``, ``doubleValue``, …) make that
/// pleasant without hiding it. NaN and the infinities are ordinary numbers
/// here and on the wire; see ``NanoverValue`` JSON coding for how they are
/// written as JSON.
///
/// Literals read naturally:
///
/// ```swift
/// let value: NanoverValue = ["a": 1, "b": [true, "x"], "c": nil]
/// ```
public enum NanoverValue: Sendable {
    /// The protobuf null. At the top level of a state update it means
    /// "remove this key"; nested inside a list or struct it is kept.
    case null
    /// A number; always a double, as on the wire.
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([NanoverValue])
    /// A struct: string keys to values.
    case structure([String: NanoverValue])
}

/// A protobuf `Struct`: what command arguments, command results, state
/// updates and lock requests are made of.
public typealias NanoverStruct = [String: NanoverValue]
