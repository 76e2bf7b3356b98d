import Foundation

/// JSON form of a value: plain JSON (`null`, numbers, strings, booleans,
/// arrays, objects).
///
/// JSON has no NaN or infinities. Following the protobuf JSON mapping for
/// doubles, encoding writes them as the strings `"NaN"`, `"Infinity"` and
/// `"-Infinity"`, whatever the encoder's float strategy. Decoding reads those
/// strings back as numbers only when the decoder is configured to, as
/// ``NanoverJSON/decoder()`` is (`.convertFromString` with those three
/// strings); with a default `JSONDecoder` they stay strings. The price of the
/// round trip is that a string value spelled exactly like one of the three
/// comes back from NanoVer's JSON as a number.
extension NanoverValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            // Tried before String so that a decoder converting "NaN" and the
            // infinities from strings turns them into numbers.
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let list = try? container.decode([NanoverValue].self) {
            self = .list(list)
        } else if let fields = try? container.decode([String: NanoverValue].self) {
            self = .structure(fields)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Not a JSON value that a protobuf Value can hold."
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null:
            try container.encodeNil()
        case .number(let number):
            if let spelling = NanoverValue.jsonSpelling(ofNonFinite: number) {
                try container.encode(spelling)
            } else {
                try container.encode(number)
            }
        case .string(let string):
            try container.encode(string)
        case .bool(let bool):
            try container.encode(bool)
        case .list(let list):
            try container.encode(list)
        case .structure(let fields):
            try container.encode(fields)
        }
    }

    static func jsonSpelling(ofNonFinite number: Double) -> String? {
        if number.isNaN { return NanoverJSON.nan }
        if number == .infinity { return NanoverJSON.positiveInfinity }
        if number == -.infinity { return NanoverJSON.negativeInfinity }
        return nil
    }
}

/// NanoVer's JSON conventions in one place: the programs, the state file and
/// the tests all read and write values through these.
public enum NanoverJSON {
    /// How NaN is spelled in JSON (the protobuf JSON mapping's spelling).
    public static let nan = "NaN"
    /// How positive infinity is spelled in JSON.
    public static let positiveInfinity = "Infinity"
    /// How negative infinity is spelled in JSON.
    public static let negativeInfinity = "-Infinity"

    /// An encoder writing compact JSON with sorted keys.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: nan)
        return encoder
    }

    /// A decoder that reads `"NaN"`, `"Infinity"` and `"-Infinity"` as numbers.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: nan)
        return decoder
    }

    /// The JSON text of a value.
    public static func string(_ value: NanoverValue, pretty: Bool = false) throws -> String {
        let data = try encoder(pretty: pretty).encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    /// The value a JSON text holds.
    public static func value(from text: String) throws -> NanoverValue {
        try decoder().decode(NanoverValue.self, from: Data(text.utf8))
    }

    /// The struct a JSON object text holds; anything but an object is an error.
    public static func structure(from text: String) throws -> NanoverStruct {
        guard case .structure(let fields) = try value(from: text) else {
            throw DecodingError.typeMismatch(
                NanoverStruct.self,
                .init(codingPath: [], debugDescription: "Expected a JSON object."))
        }
        return fields
    }
}

extension NanoverValue: CustomStringConvertible {
    /// The value as compact JSON, NaN and infinities spelled as strings.
    public var description: String {
        (try? NanoverJSON.string(self)) ?? "<unencodable value>"
    }
}
