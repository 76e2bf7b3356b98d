import ArgumentParser
import NanoverCore

/// `KEY=VALUE` arguments: the value is JSON when it parses as JSON, else
/// the text itself as a string (so `name=alice` needs no quotes).
struct KeyValue: ExpressibleByArgument {
    let key: String
    let value: NanoverValue

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        key = String(argument[..<equals])
        let text = String(argument[argument.index(after: equals)...])
        value = (try? NanoverJSON.value(from: text)) ?? .string(text)
    }

    static var defaultValueDescription: String { "KEY=VALUE" }
}

/// `KEY=SECONDS` arguments of `nanover lock`.
struct KeyDuration: ExpressibleByArgument {
    let key: String
    let seconds: Double

    init?(argument: String) {
        guard let equals = argument.lastIndex(of: "="),
              let seconds = Double(argument[argument.index(after: equals)...]), !seconds.isNaN
        else { return nil }
        key = String(argument[..<equals])
        self.seconds = seconds
    }
}

/// The `--token` option of the commands that change state or locks.
struct TokenOption: ParsableArguments {
    @Option(help: "Act as this access token (for example to hold a lock across calls); by default a random one.")
    var token: String?
}

/// A struct as one line of compact JSON.
func jsonLine(_ fields: NanoverStruct) -> String {
    NanoverJSON.string(.structure(fields))
}
