import NanoverCore

extension NanoverWebSocketClient {
    /// The command every 2026 server answers with its commands.
    public static let listCommand = "commands/list"

    /// Runs a command on the server with `arguments` overlaid on its
    /// defaults, and returns its result as the server sent it
    /// (``/NanoverCore/NanoverValue/null`` for none; our hub sends a struct or nil).
    /// Requests are numbered from this client's own counter, and the reply
    /// is the one echoing the number.
    ///
    /// - Throws: ``NanoverWebSocketClientError/commandFailed(name:message:)``
    ///   with the server's exception (an unknown command, a failing
    ///   handler); `NanoverValueError` for arguments nested too deeply
    ///   (nothing is sent); ``NanoverWebSocketClientError/timedOut(_:)``
    ///   after ``Configuration/callTimeout``; how the connection ended.
    public func runCommand(_ name: String, arguments: NanoverStruct = [:]) async throws -> NanoverValue {
        try arguments.validate()
        let id = try requests.reserve()
        do {
            try await send(OutgoingMessage.request(name: name, arguments: arguments, id: id))
        } catch {
            requests.abandon(id)
            throw error
        }
        do {
            return try await withDeadline(configuration.callTimeout, waitingFor: "reply to \(name)") { [requests] in
                try await requests.wait(for: id)
            }
        } catch let exception as ServerException {
            throw NanoverWebSocketClientError.commandFailed(name: name, message: exception.message)
        }
    }

    /// The commands found by the last ``updateAvailableCommands()``, by
    /// name; empty before the first.
    public var availableCommands: [String: CommandInfo] {
        knownCommands.withLock { $0 }
    }

    /// Asks the server for its commands (`commands/list`), remembers them
    /// and returns them, with their labels and icons where the server gives
    /// them.
    ///
    /// - Throws: as ``runCommand(_:arguments:)``;
    ///   ``NanoverWebSocketClientError/badMessage(_:)`` for a reply that is
    ///   not a list of commands.
    @discardableResult
    public func updateAvailableCommands() async throws -> [String: CommandInfo] {
        let reply = try await runCommand(Self.listCommand)
        guard let commands = Self.commands(in: reply) else {
            throw NanoverWebSocketClientError.badMessage("the reply to \(Self.listCommand) lists no commands")
        }
        knownCommands.withLock { $0 = commands }
        return commands
    }

    /// The commands a `commands/list` reply holds: its `commands` entries
    /// (name, arguments, label, icon), or else its `list` (name to default
    /// arguments), which older servers send alone.
    static func commands(in reply: NanoverValue) -> [String: CommandInfo]? {
        guard let fields = reply.structValue else { return nil }
        if let entries = fields["commands"]?.listValue {
            var commands: [String: CommandInfo] = [:]
            for entry in entries {
                guard let entry = entry.structValue, let name = entry["name"]?.stringValue else { continue }
                commands[name] = CommandInfo(
                    name: name, arguments: entry["arguments"]?.structValue ?? [:],
                    label: entry["label"]?.stringValue, icon: entry["icon"]?.stringValue)
            }
            return commands
        }
        guard let list = fields["list"]?.structValue else { return nil }
        return Dictionary(uniqueKeysWithValues: list.map { name, arguments in
            (name, CommandInfo(name: name, arguments: arguments.structValue ?? [:]))
        })
    }

    /// Registers a command that runs on this client: the server lists it,
    /// and whoever runs it (a 2026 or, on our hub, a gRPC client) has it
    /// run here: `handler` gets the caller's arguments over
    /// `defaultArguments`, and its result (or its error's text, as an
    /// exception) goes back. Our hub removes the command when this client
    /// leaves.
    ///
    /// The protocol has no reply to a registration: a server that already
    /// has a command of that name keeps its own, saying nothing.
    ///
    /// - Throws: ``/NanoverCore/CommandError/alreadyRegistered(name:)`` for a name this
    ///   client has registered; ``NanoverWebSocketClientError`` if the
    ///   client is closed or the connection has ended.
    public func registerCommand(
        _ name: String, defaultArguments: NanoverStruct = [:], label: String? = nil, icon: String? = nil,
        handler: @escaping CommandHandler
    ) async throws {
        try ownCommands.register(name, defaultArguments: defaultArguments, handler: handler)
        do {
            try await send(OutgoingMessage.register(name: name, defaultArguments: defaultArguments, label: label, icon: icon))
        } catch {
            try? ownCommands.unregister(name)
            throw error
        }
    }
}
