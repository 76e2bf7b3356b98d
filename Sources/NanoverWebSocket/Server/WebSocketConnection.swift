import Logging
import NIOCore
import NIOWebSocket
import NanoverCore
import NanoverMessagePack

/// One 2026 client: its state and frame subscriptions, and what it sends.
final class WebSocketConnection: Sendable {
    let socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
    let session: NanoverSession
    let configuration: NanoverWebSocketServer.Configuration
    private let numbering: FrameNumbering
    private let state: StateSubscription
    private let frames: FrameSubscription
    /// The commands this client registered.
    private let clientCommands: ClientCommands
    /// The user this client said it was, whose keys go when it leaves.
    private let user = ConnectionUser()

    init(
        socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, session: NanoverSession,
        configuration: NanoverWebSocketServer.Configuration, numbering: FrameNumbering
    ) {
        self.socket = socket
        self.numbering = numbering
        self.clientCommands = ClientCommands(registry: session.commands)
        self.session = session
        self.configuration = configuration
        state = session.state.subscribe(interval: configuration.interval)
        frames = session.frames.subscribe(.latest, interval: configuration.interval)
    }

    /// Ends the connection once what is due has been sent.
    func finish() {
        state.finish()
        frames.finish()
    }

    private enum Ending: Sendable {
        /// The client left, or broke the protocol (already told).
        case reader
        /// A subscription ended: the hub is closing.
        case writer
    }

    /// Serves the connection until either side ends it.
    func serve() async {
        let logger = configuration.logger
        do {
            try await socket.executeThenClose { inbound, outbound in
                clientCommands.attach(outbound)
                try await withThrowingTaskGroup(of: Ending.self) { group in
                    group.addTask { [self] in
                        await read(inbound, outbound)
                        return .reader
                    }
                    group.addTask { [state, session] in
                        // The whole state comes first, even when it is empty.
                        if session.state.keyCount == 0 {
                            try await outbound.write(Self.counted(OutgoingMessage.state(StateChange())))
                        }
                        for await update in state {
                            // Shared by every connection in step with this
                            // one: encoded once, sent without a copy.
                            try await outbound.write(Self.counted(update.encoded(as: MessagePackStateMessage.self)))
                        }
                        return .writer
                    }
                    group.addTask { [frames] in
                        var first = true
                        while let frame = try? await frames.next() {
                            // A new client's first frame is the merged frame
                            // since the last reset, with index 0.
                            let buffer = first && frame.index != 0
                                ? MessagePackFrameBuffer.encode(index: 0, frame: frame.frame)
                                : frame.encoded(as: MessagePackFrameBuffer.self)
                            first = false
                            try await outbound.write(Self.counted(buffer))
                        }
                        return .writer
                    }
                    let ending = try await group.next()
                    if ending == .writer {
                        // The hub is closing: let the other writer finish
                        // what is due, then say goodbye.
                        if try await group.next() == .writer {
                            try? await outbound.write(WebSocketFrame.close(.normalClosure, reason: "the hub is closing"))
                        }
                    }
                    group.cancelAll()
                    state.cancel()
                    frames.cancel()
                }
            }
        } catch {
            logger.debug("WebSocket connection ended", metadata: ["error": "\(error)"])
        }
        state.cancel()
        frames.cancel()
        clientCommands.end()
        removeDepartedUser()
    }

    /// Removes, in one change, what the departed user left. (The reference
    /// matches the id as a substring; we match whole segments.)
    private func removeDepartedUser() {
        do {
            try user.removeKeys(from: session.state)
        } catch {
            configuration.logger.debug("could not remove a departed user's keys", metadata: ["user": "\(user.userID ?? "")", "error": "\(error)"])
        }
    }

    /// Reads until the client leaves or breaks the protocol (told with a
    /// close code and a reason).
    private func read(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    ) async {
        await withDiscardingTaskGroup { commands in
            let ending = await MessageReader.read(inbound, outbound, masked: false, answersClose: { true }) { message, _ in
                take(message, outbound: outbound, commands: &commands)
            }
            if case .failed(let error) = ending {
                configuration.logger.debug("WebSocket read ended", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Applies a message in the protocol's order: state, commands, frame.
    private func take(
        _ message: IncomingMessage, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>, commands: inout DiscardingTaskGroup
    ) {
        if let change = message.state {
            do {
                try session.state.update(SceneShim.extend(change))
                user.learn(from: change)
            } catch {
                // The protocol has no reply for a refused change.
                configuration.logger.debug("WebSocket state change refused", metadata: ["error": "\(error)"])
            }
        }
        for command in message.commands {
            let name: String, arguments: NanoverStruct, echo: MessagePackValue
            switch command {
            case .request(let requested, let given, let request):
                (name, arguments, echo) = (requested, given, request)
            case .register(let registered, let defaults, let label, let icon):
                do {
                    try clientCommands.register(registered, defaultArguments: defaults, label: label, icon: icon)
                } catch {
                    configuration.logger.debug("a client's command was not registered", metadata: ["command": "\(registered)", "error": "\(error)"])
                }
                continue
            case .response(let request, let result):
                let fields = result.structValue ?? (result.isNull ? [:] : ["result": result])
                clientCommands.answer(echo: request, result: .success(fields))
                continue
            case .exception(let request, let message):
                clientCommands.answer(echo: request, result: .failure(.failed(message)))
                continue
            }
            commands.addTask { [session] in
                let reply: [UInt8]
                do {
                    let result = name == Self.listCommand ? Self.list(session.commands) : try await session.commands.serve(name, arguments: arguments)
                    // A command that returns nothing answers nil, as the
                    // reference's do (the registry gives an empty result).
                    reply = OutgoingMessage.response(echo: echo, result: result.isEmpty ? nil : result)
                } catch {
                    reply = OutgoingMessage.exception(echo: echo, message: "\(error)")
                }
                try? await outbound.write(Self.counted(reply))
            }
        }
        if let frame = message.frame {
            do {
                try session.frames.send(frameIndex: numbering.number(frame.index), frame: frame.frame)
            } catch {
                configuration.logger.debug("WebSocket frame refused", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The command every 2026 hub answers: the commands and their defaults.
    static let listCommand = "commands/list"

    private static func list(_ registry: CommandRegistry) -> NanoverStruct {
        let commands = registry.commands.sorted { $0.key < $1.key }
        var list: NanoverStruct = [listCommand: .structure([:])]
        var entries: [NanoverValue] = [["name": .string(listCommand), "arguments": .structure([:])]]
        for (name, registration) in commands where name != listCommand {
            list[name] = .structure(registration.defaultArguments)
            var entry: NanoverStruct = ["name": .string(name), "arguments": .structure(registration.defaultArguments)]
            entry["label"] = registration.label.map(NanoverValue.string)
            entry["icon"] = registration.icon.map(NanoverValue.string)
            entries.append(.structure(entry))
        }
        return ["list": .structure(list), "commands": .list(entries)]
    }

    /// A message to send, counted as sent.
    private static func counted(_ bytes: [UInt8]) -> WebSocketFrame {
        counted(ByteBuffer(bytes: bytes))
    }

    /// A message in a buffer to send, counted as sent.
    private static func counted(_ buffer: ByteBuffer) -> WebSocketFrame {
        SessionMetrics.webSocketBytesSent.increment(by: buffer.readableBytes)
        return .binary(buffer)
    }
}
