import Foundation

/// Writes values as NanoVer JSON (see ``NanoverJSON``).
struct JSONWriter {
    let pretty: Bool
    private(set) var text = ""

    init(pretty: Bool) {
        self.pretty = pretty
    }

    mutating func write(_ value: NanoverValue, indent: Int) {
        switch value {
        case .null:
            text += "null"
        case .bool(let bool):
            text += bool ? "true" : "false"
        case .int(let number):
            text += String(number)
        case .uint(let number):
            text += String(number)
        case .double(let number):
            writeDouble(number)
        case .string(let string):
            writeString(string)
        case .binary(let bytes):
            write(.structure([NanoverJSON.binaryKey: .string(Data(bytes).base64EncodedString())]), indent: indent)
        case .list(let list):
            writeContainer("[", "]", list, indent: indent) { writer, element, indent in
                writer.write(element, indent: indent)
            }
        case .structure(let fields):
            let sorted = fields.sorted { $0.key < $1.key }
            writeContainer("{", "}", sorted, indent: indent) { writer, field, indent in
                writer.writeString(field.key)
                writer.text += writer.pretty ? ": " : ":"
                writer.write(field.value, indent: indent)
            }
        }
    }

    private mutating func writeContainer<C: Collection>(
        _ open: String, _ close: String, _ elements: C, indent: Int,
        element writeElement: (inout JSONWriter, C.Element, Int) -> Void
    ) {
        text += open
        guard !elements.isEmpty else {
            text += close
            return
        }
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            if pretty { newline(indent + 1) }
            writeElement(&self, element, indent + 1)
        }
        if pretty { newline(indent) }
        text += close
    }

    private mutating func newline(_ indent: Int) {
        text += "\n" + String(repeating: "  ", count: indent)
    }

    /// Finite doubles in Swift's shortest round-trip spelling, which always
    /// has a point or an exponent (`3.0`, `1e+20`), so they read back as
    /// doubles; the rest as the protobuf JSON mapping's strings.
    private mutating func writeDouble(_ number: Double) {
        if number.isNaN {
            writeString(NanoverJSON.nan)
        } else if number == .infinity {
            writeString(NanoverJSON.positiveInfinity)
        } else if number == -.infinity {
            writeString(NanoverJSON.negativeInfinity)
        } else {
            text += number.description
        }
    }

    private mutating func writeString(_ string: String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
