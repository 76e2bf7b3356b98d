import Foundation

/// NanoVer's JSON form of values, for the command line, the state file and
/// logs: exact both ways, so that a value read back is the value written,
/// kind included.
///
/// - Integers are written as JSON integers and doubles always with a point
///   or an exponent (`3.0`, `1e+20`); a number read without either is an
///   integer (``NanoverValue/int(_:)``, or ``NanoverValue/uint(_:)`` above
///   `Int64.max`), one with either is a double.
/// - JSON has no NaN or infinities: they are written as the strings `"NaN"`,
///   `"Infinity"` and `"-Infinity"`, as the protobuf JSON mapping spells
///   them, and those three strings are read back as numbers. So a string
///   value spelled exactly like one of them comes back as a number.
/// - Binary data is written as `{"$binary": "<base64>"}`, and an object
///   with that one key and a base64 string is read back as binary.
/// - Object keys are written sorted; a later duplicate key wins on reading.
public enum NanoverJSON {
    /// How NaN is spelled in JSON (the protobuf JSON mapping's spelling).
    public static let nan = "NaN"
    /// How positive infinity is spelled in JSON.
    public static let positiveInfinity = "Infinity"
    /// How negative infinity is spelled in JSON.
    public static let negativeInfinity = "-Infinity"
    /// The one key of an object that holds binary data as base64.
    public static let binaryKey = "$binary"

    /// The JSON text of a value: compact, or indented by two spaces.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - pretty: Whether to indent, one line per list element and struct
    ///     field.
    /// - Returns: The text, which ``value(from:)`` reads back as `value`
    ///   (but for a string spelled like a non-finite number, which comes
    ///   back as that number).
    public static func string(_ value: NanoverValue, pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.write(value, indent: 0)
        return writer.text
    }

    /// The value a JSON text holds.
    ///
    /// - Parameter text: One JSON value, with any white space around it.
    /// - Returns: The value, each number of the kind its spelling says.
    /// - Throws: ``NanoverJSONError`` for text that is not JSON, or nests
    ///   deeper than ``NanoverValue/maximumNestingDepth``.
    public static func value(from text: String) throws(NanoverJSONError) -> NanoverValue {
        var text = text
        let result = text.withUTF8 { bytes in
            var reader = JSONReader(bytes: UnsafeRawBufferPointer(bytes))
            return Result { () throws(NanoverJSONError) in try reader.document() }
        }
        return try result.get()
    }

    /// The value the UTF-8 JSON text in `bytes` holds.
    ///
    /// - Parameter bytes: One JSON value, as UTF-8.
    /// - Returns: The value, as ``value(from:)`` reads it.
    /// - Throws: ``NanoverJSONError``, also for bytes that are not UTF-8.
    public static func value(fromUTF8 bytes: some Sequence<UInt8>) throws(NanoverJSONError) -> NanoverValue {
        try read(utf8: bytes, plain: false)
    }

    /// The value the UTF-8 JSON text in `bytes` holds, read as plain JSON:
    /// numbers as NanoVer reads them, but every string a string and every
    /// object a struct, with none of NanoVer's spellings of non-finite
    /// numbers or binary data. For JSON that other programs write (a hub's
    /// discovery message, say), where `"NaN"` is a name like any other.
    ///
    /// - Parameter bytes: One JSON value, as UTF-8.
    /// - Returns: The value.
    /// - Throws: ``NanoverJSONError``, also for bytes that are not UTF-8.
    public static func plainValue(fromUTF8 bytes: some Sequence<UInt8>) throws(NanoverJSONError) -> NanoverValue {
        try read(utf8: bytes, plain: true)
    }

    private static func read(utf8 bytes: some Sequence<UInt8>, plain: Bool) throws(NanoverJSONError) -> NanoverValue {
        let array = Array(bytes)
        guard String(validating: array, as: UTF8.self) != nil else {
            throw NanoverJSONError(message: "not UTF-8 text", offset: 0)
        }
        let result = array.withUnsafeBytes { bytes in
            var reader = JSONReader(bytes: bytes, plain: plain)
            return Result { () throws(NanoverJSONError) in try reader.document() }
        }
        return try result.get()
    }

    /// The struct a JSON object text holds; anything but an object is an error.
    ///
    /// - Parameter text: One JSON object.
    /// - Returns: Its fields, read as ``value(from:)`` reads them.
    /// - Throws: ``NanoverJSONError`` for text that is not JSON or not an
    ///   object.
    public static func structure(from text: String) throws(NanoverJSONError) -> NanoverStruct {
        guard case .structure(let fields) = try value(from: text) else {
            throw NanoverJSONError(message: "expected a JSON object", offset: 0)
        }
        return fields
    }
}

/// Why a text could not be read as NanoVer JSON.
public struct NanoverJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public let message: String
    /// Where, in bytes of UTF-8 from the start of the text.
    public let offset: Int

    /// An error at `offset`.
    ///
    /// - Parameters:
    ///   - message: What was wrong, e.g. `expected a JSON object`.
    ///   - offset: Where, in bytes of UTF-8 from the start of the text.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The error in words, with its offset.
    public var description: String {
        "not valid JSON at byte \(offset): \(message)"
    }
}

extension NanoverValue: CustomStringConvertible {
    /// The value as compact NanoVer JSON.
    public var description: String {
        NanoverJSON.string(self)
    }
}
