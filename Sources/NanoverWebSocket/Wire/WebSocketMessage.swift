import NanoverCore
import NanoverMessagePack

/// One incoming NanoVer 2026 message: a MessagePack map keyed by message
/// type, which may carry several, handled in the order state, command,
/// frame. Unknown top-level keys are ignored.
public struct IncomingMessage: Sendable {
    /// The state change the message carries (`state`: `updates` and
    /// `removals`, either may be missing); nil when it carries none.
    public var state: StateChange?
    /// Commands, in order: one for the single-map form, several for the
    /// older list form.
    public var commands: [CommandMessage] = []
    /// The frame the message carries, with its `frame.index` taken out of
    /// the frame's values; nil when it carries none.
    public var frame: ReceivedFrame?

    /// A message of these parts, as a test or a tool would build it.
    ///
    /// - Parameters:
    ///   - state: The state change, if any.
    ///   - commands: The commands, in order.
    ///   - frame: The frame, if any.
    public init(state: StateChange? = nil, commands: [CommandMessage] = [], frame: ReceivedFrame? = nil) {
        self.state = state
        self.commands = commands
        self.frame = frame
    }

    /// The message `bytes` hold; its commands left unread unless
    /// `readingCommands` (a recording's messages are played for their state
    /// and frames alone).
    ///
    /// - Parameters:
    ///   - bytes: One binary WebSocket message's bytes.
    ///   - readingCommands: Whether to read the `command` part; when false
    ///     it is skipped, malformed or not.
    /// - Throws: ``WebSocketMessageError``: nothing of a message is taken
    ///   when any part of it is malformed.
    public init(bytes: some Collection<UInt8>, readingCommands: Bool = true) throws(WebSocketMessageError) {
        let value: MessagePackValue
        do {
            value = try MessagePackReader.value(from: bytes)
        } catch {
            throw .notMessagePack(error)
        }
        guard case .map(let envelope) = value else { throw .notAMap }
        for (key, body) in envelope {
            switch key {
            case .string("state"): state = try Self.state(body)
            case .string("command") where readingCommands: commands = try Self.commands(body)
            case .string("frame"):
                guard case .map(let fields) = body else { throw .wrongShape("frame is not a map") }
                do {
                    frame = try Frame.fromMessagePack(fields)
                } catch {
                    throw .badFrame(error)
                }
            default: continue
            }
        }
    }

    private static func state(_ body: MessagePackValue) throws(WebSocketMessageError) -> StateChange {
        guard case .map(let fields) = body else { throw .wrongShape("state is not a map") }
        var updates: NanoverStruct = [:]
        var removals = Set<String>()
        for (key, value) in fields {
            switch key {
            case .string("updates"):
                guard case .map(let entries) = value else { throw .wrongShape("state.updates is not a map") }
                do throws(MessagePackMappingError) {
                    updates = try NanoverValue.structure(entries)
                } catch {
                    throw .badValue(error)
                }
            case .string("removals"):
                guard case .array(let keys) = value else { throw .wrongShape("state.removals is not a list") }
                for key in keys {
                    guard case .string(let name) = key else { throw .wrongShape("state.removals holds a key that is not a string") }
                    removals.insert(name)
                }
            default: continue
            }
        }
        return StateChange(updates: updates, removals: removals)
    }

    private static func commands(_ body: MessagePackValue) throws(WebSocketMessageError) -> [CommandMessage] {
        switch body {
        case .map(let fields): return [try CommandMessage(fields)]
        case .array(let elements):
            var commands: [CommandMessage] = []
            for element in elements {
                guard case .map(let fields) = element else { throw .wrongShape("a command in the list is not a map") }
                commands.append(try CommandMessage(fields))
            }
            return commands
        default: throw .wrongShape("command is neither a map nor a list of maps")
        }
    }
}

/// A command message of the 2026 protocol.
public enum CommandMessage: Sendable, Equatable {
    /// Run a command: its name, arguments, and the request map as sent, to
    /// echo in the reply.
    case request(name: String, arguments: NanoverStruct, echo: MessagePackValue)
    /// A client registers a command that runs on it.
    case register(name: String, defaultArguments: NanoverStruct, label: String?, icon: String?)
    /// A client's answer to a request the hub sent it: the request echoed,
    /// and its result (nil for none).
    case response(echo: MessagePackValue, result: NanoverValue)
    /// A client's failure to run a request the hub sent it.
    case exception(echo: MessagePackValue, message: String)

    init(_ fields: [(MessagePackValue, MessagePackValue)]) throws(WebSocketMessageError) {
        func field(_ name: String) -> MessagePackValue? {
            fields.last { $0.0 == .string(name) }?.1
        }
        if let register = field("register") {
            guard case .map(let entries) = register, let name = Self.string(entries, "name") else {
                throw .wrongShape("command.register needs a name")
            }
            self = .register(
                name: name, defaultArguments: try Self.arguments(entries), label: Self.string(entries, "label"), icon: Self.string(entries, "icon"))
            return
        }
        guard let request = field("request") else { throw .wrongShape("command holds no request or register") }
        if let exception = field("exception") {
            guard case .string(let message) = exception else { throw .wrongShape("command.exception is not a string") }
            self = .exception(echo: request, message: message)
            return
        }
        if fields.contains(where: { $0.0 == .string("response") }) {
            do {
                self = .response(echo: request, result: try NanoverValue(messagePack: field("response") ?? .nil))
            } catch {
                throw .badValue(error)
            }
            return
        }
        guard case .map(let entries) = request, let name = Self.string(entries, "name") else {
            throw .wrongShape("command.request needs a name")
        }
        self = .request(name: name, arguments: try Self.arguments(entries), echo: request)
    }

    private static func string(_ entries: [(MessagePackValue, MessagePackValue)], _ name: String) -> String? {
        guard case .string(let value)? = entries.last(where: { $0.0 == .string(name) })?.1 else { return nil }
        return value
    }

    private static func arguments(_ entries: [(MessagePackValue, MessagePackValue)]) throws(WebSocketMessageError) -> NanoverStruct {
        guard let arguments = entries.last(where: { $0.0 == .string("arguments") })?.1, arguments != .nil else { return [:] }
        guard case .map(let fields) = arguments else { throw .wrongShape("command arguments are not a map") }
        do {
            return try NanoverValue.structure(fields)
        } catch {
            throw .badValue(error)
        }
    }
}

/// Why an incoming 2026 message cannot be taken.
public enum WebSocketMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not one MessagePack value.
    case notMessagePack(MessagePackError)
    /// The message is MessagePack but not a map.
    case notAMap
    /// A part of the message is not shaped as the protocol says.
    case wrongShape(String)
    /// A state value or command arguments that a session cannot hold (a
    /// map key that is not a string, an extension type, nesting too deep).
    case badValue(MessagePackMappingError)
    /// A frame that cannot be read.
    case badFrame(FrameMessageError)

    /// The error in words: the reason a refused connection is closed with.
    public var description: String {
        switch self {
        case .notMessagePack(let error): return "not MessagePack: \(error)"
        case .notAMap: return "a message is a MessagePack map keyed by message type"
        case .wrongShape(let what): return what
        case .badValue(let error): return "\(error)"
        case .badFrame(let error): return "frame: \(error)"
        }
    }
}
