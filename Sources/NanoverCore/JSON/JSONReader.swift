import Foundation

/// Reads NanoVer JSON (see ``NanoverJSON``) from valid UTF-8: strict
/// RFC 8259 JSON, with NanoVer's readings of numbers and, unless `plain`,
/// of the non-finite spellings and binary objects. Nesting is bounded by
/// ``NanoverValue/maximumNestingDepth``, so hostile depth is an error, not
/// a stack overflow.
struct JSONReader {
    private let bytes: UnsafeRawBufferPointer
    /// Whether strings and objects are read as written, without NanoVer's
    /// spellings of non-finite numbers and binary data: for JSON that other
    /// programs write, in which `"NaN"` is a name like any other.
    private let plain: Bool
    private var offset = 0

    init(bytes: UnsafeRawBufferPointer, plain: Bool = false) {
        self.bytes = bytes
        self.plain = plain
    }

    /// The one value the whole text holds.
    mutating func document() throws(NanoverJSONError) -> NanoverValue {
        skipWhitespace()
        let value = try value(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else { throw error("unexpected text after the value") }
        return value
    }

    private func error(_ message: String) -> NanoverJSONError {
        NanoverJSONError(message: message, offset: offset)
    }

    private var current: UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            offset += 1
        }
    }

    private mutating func expect(_ literal: StaticString) throws(NanoverJSONError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - offset >= count,
              memcmp(bytes.baseAddress! + offset, literal.utf8Start, count) == 0
        else { throw error("expected \(literal)") }
        offset += count
    }

    /// `depth`: how many lists and structs enclose this value.
    private mutating func value(depth: Int) throws(NanoverJSONError) -> NanoverValue {
        guard let byte = current else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "\""):
            let string = try string()
            if plain { return .string(string) }
            switch string {
            case NanoverJSON.nan: return .double(.nan)
            case NanoverJSON.positiveInfinity: return .double(.infinity)
            case NanoverJSON.negativeInfinity: return .double(-.infinity)
            default: return .string(string)
            }
        case UInt8(ascii: "["):
            return try list(depth: depth + 1)
        case UInt8(ascii: "{"):
            return try object(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw error("expected a value")
        }
    }

    private mutating func checkDepth(_ depth: Int) throws(NanoverJSONError) {
        if depth > NanoverValue.maximumNestingDepth {
            throw error("lists and objects nest more than \(NanoverValue.maximumNestingDepth) deep")
        }
    }

    private mutating func list(depth: Int) throws(NanoverJSONError) -> NanoverValue {
        try checkDepth(depth)
        offset += 1
        var elements: [NanoverValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            offset += 1
            return .list(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return .list(elements)
            default: throw error("expected , or ] in a list")
            }
        }
    }

    private mutating func object(depth: Int) throws(NanoverJSONError) -> NanoverValue {
        try checkDepth(depth)
        offset += 1
        var fields = NanoverStruct()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            offset += 1
            return .structure(fields)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected : after a key") }
            offset += 1
            skipWhitespace()
            fields[key] = try value(depth: depth)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return (plain ? nil : Self.binary(in: fields)) ?? .structure(fields)
            default: throw error("expected , or } in an object")
            }
        }
    }

    /// `{"$binary": "<base64>"}` as binary data.
    private static func binary(in fields: NanoverStruct) -> NanoverValue? {
        guard fields.count == 1, case .string(let encoded)? = fields[NanoverJSON.binaryKey],
              let data = Data(base64Encoded: encoded)
        else { return nil }
        return .binary([UInt8](data))
    }

    private mutating func digits() -> Int {
        let start = offset
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            offset += 1
        }
        return offset - start
    }

    private mutating func number() throws(NanoverJSONError) -> NanoverValue {
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("expected digits") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw error("a number may not start with 0")
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            offset += 1
            isInteger = false
            guard digits() > 0 else { throw error("expected digits after the point") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            isInteger = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw error("expected digits in the exponent") }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if isInteger {
            if let signed = Int64(text) { return .int(signed) }
            if let unsigned = UInt64(text) { return .uint(unsigned) }
        }
        guard let number = Double(text), number.isFinite else {
            offset = start
            throw error("number out of range")
        }
        return .double(number)
    }

    private mutating func string() throws(NanoverJSONError) -> String {
        offset += 1
        var result = ""
        var runStart = offset
        while true {
            guard let byte = current else { throw error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                appendRun(from: runStart, to: &result)
                offset += 1
                return result
            case UInt8(ascii: "\\"):
                appendRun(from: runStart, to: &result)
                offset += 1
                result.unicodeScalars.append(try escape())
                runStart = offset
            case ..<0x20:
                throw error("control character in a string")
            default:
                offset += 1
            }
        }
    }

    private func appendRun(from start: Int, to result: inout String) {
        if offset > start {
            result += String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        }
    }

    private mutating func escape() throws(NanoverJSONError) -> Unicode.Scalar {
        guard let byte = current else { throw error("unterminated escape") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                guard current == UInt8(ascii: "\\") else { throw error("unpaired surrogate") }
                offset += 1
                guard current == UInt8(ascii: "u") else { throw error("unpaired surrogate") }
                offset += 1
                let low = try hexUnit()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw error("unpaired surrogate") }
            return scalar
        default:
            throw error("unknown escape")
        }
    }

    private mutating func hexUnit() throws(NanoverJSONError) -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigit(byte) else { throw error("expected four hex digits") }
            unit = unit << 4 | digit
            offset += 1
        }
        return unit
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
