/// A command a server offers: its name and default arguments, and, where
/// the protocol carries them (NanoVer 2026), a human label and an icon.
public struct CommandInfo: Sendable, Hashable {
    public let name: String
    /// The arguments used when a caller does not give them.
    public let arguments: NanoverStruct
    /// A human-friendly name, if the server gave one.
    public let label: String?
    /// An icon (an emoji, in the reference), if the server gave one.
    public let icon: String?

    public init(name: String, arguments: NanoverStruct = [:], label: String? = nil, icon: String? = nil) {
        self.name = name
        self.arguments = arguments
        self.label = label
        self.icon = icon
    }
}
