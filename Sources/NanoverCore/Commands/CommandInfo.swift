/// A command a server offers: its name and default arguments, and, where
/// the protocol carries them (NanoVer 2026), a human label and an icon.
///
/// This is what a client learns when it lists a server's commands (the
/// gRPC `GetCommands` call, or `commands/list` in NanoVer 2026); the
/// server's own side of a command is a ``CommandRegistration``.
public struct CommandInfo: Sendable, Hashable {
    /// The command's name, as clients call it, e.g. `playback/play`.
    public let name: String
    /// The arguments used when a caller does not give them.
    public let arguments: NanoverStruct
    /// A human-friendly name, if the server gave one.
    public let label: String?
    /// An icon (an emoji, in the reference), if the server gave one.
    public let icon: String?

    /// A command description, as a client reads it off a server's list.
    ///
    /// - Parameters:
    ///   - name: The command's name, e.g. `playback/load`.
    ///   - arguments: Its default arguments (`{"index": 0}` for
    ///     `playback/load`); empty when it takes none.
    ///   - label: A human label, if the server gave one.
    ///   - icon: An icon, if the server gave one.
    public init(name: String, arguments: NanoverStruct = [:], label: String? = nil, icon: String? = nil) {
        self.name = name
        self.arguments = arguments
        self.label = label
        self.icon = icon
    }
}
