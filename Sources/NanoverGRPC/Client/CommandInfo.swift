import NanoverCore

/// A command a server offers: its name and default arguments.
public struct CommandInfo: Sendable, Hashable {
    public let name: String
    /// The arguments used when a caller does not give them.
    public let arguments: NanoverStruct

    public init(name: String, arguments: NanoverStruct = [:]) {
        self.name = name
        self.arguments = arguments
    }
}
