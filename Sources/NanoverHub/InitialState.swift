import Foundation
import NanoverCore

/// Reads a state given on the command line: a JSON object, or `@PATH` for a
/// file holding one.
///
/// The JSON is read as ``/NanoverCore/NanoverJSON`` reads it, so integers
/// stay integers and `{"$binary": ...}` is binary data. This is what
/// `nanover-server --initial-state` seeds the state with.
///
/// - Parameter argument: the JSON text, or `@` and a file's path.
/// - Returns: the state's keys and values.
/// - Throws: ``StateFileError`` when the file cannot be read;
///   ``ValueParsingError`` when the text is not a JSON object.
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
    /// What is wrong, in a sentence fit for the command line's error line.
    public let message: String

    /// An error saying `message`.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
