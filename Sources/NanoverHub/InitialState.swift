import Foundation
import NanoverCore

/// Reads a state given on the command line: a JSON object, or `@PATH` for a
/// file holding one.
public func parseStateArgument(_ argument: String) throws -> NanoverStruct {
    var text = argument
    var source = "the initial state"
    if argument.hasPrefix("@") {
        let path = String(argument.dropFirst())
        source = "initial state file \(path)"
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StateFileError(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
    }
    do {
        return try NanoverJSON.structure(from: text)
    } catch {
        throw ValueParsingError(message: "\(source) is not a JSON object of state values")
    }
}

/// A value given on the command line that cannot be used.
public struct ValueParsingError: Error, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
