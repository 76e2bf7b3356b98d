import NIOCore
import NIOWebSocket
import NanoverCore
import NanoverMessagePack

extension NanoverWebSocketClient {
    /// Reads the server's messages until the connection ends, and says how
    /// it ended. Commands the server asks this client to run run beside the
    /// reading, and are cancelled when it ends.
    func receive(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    ) async -> NanoverWebSocketClientError {
        await withDiscardingTaskGroup { handlers in
            defer { handlers.cancelAll() }
            let ending = await MessageReader.read(
                inbound, outbound, masked: true, answersClose: { !link.withLock { $0.closeRequested } }
            ) { message, bytes in
                observer?(message, bytes)
                take(message, handlers: &handlers)
            }
            switch ending {
            case .closedByPeer(let code, let reason):
                return .closedByServer(code: code.map { UInt16(webSocketErrorCode: $0) }, reason: reason)
            case .refused(let reason):
                return .badMessage(reason)
            case .ended:
                return .connectionLost(reason: "the server ended the connection without closing it")
            case .failed(let error):
                return .connectionLost(reason: "\(error)")
            }
        }
    }

    /// Takes one message in the protocol's order: state, commands, frame.
    private func take(_ message: IncomingMessage, handlers: inout DiscardingTaskGroup) {
        if let change = message.state {
            mirror.apply(EmptyStateProbe.removing(probeKey, from: change))
            firstState.arrived()
        }
        for command in message.commands {
            switch command {
            case .response(let request, let result):
                if let id = PendingReplies<NanoverValue>.id(of: request) {
                    requests.answer(id, with: .success(result))
                }
            case .exception(let request, let text):
                if let id = PendingReplies<NanoverValue>.id(of: request) {
                    requests.answer(id, with: .failure(ServerException(message: text)))
                }
            case .request(let name, let arguments, let request):
                handlers.addTask { [self] in
                    await runOwnCommand(name, arguments: arguments, echo: request)
                }
            case .register:
                // Only clients register commands; a server's is ignored.
                continue
            }
        }
        if let frame = message.frame {
            frames.receive(frame)
        }
    }

    /// Runs a command registered here, asked by the server, and answers
    /// with its result or the error's text.
    private func runOwnCommand(_ name: String, arguments: NanoverStruct, echo: MessagePackValue) async {
        let reply: [UInt8]
        do {
            let result = try await ownCommands.run(name, arguments: arguments)
            reply = OutgoingMessage.response(echo: echo, result: result.isEmpty ? nil : result)
        } catch {
            reply = OutgoingMessage.exception(echo: echo, message: "\(error)")
        }
        do {
            try await send(reply, evenWhileClosing: true)
        } catch {
            configuration.logger.debug("could not answer the server's request", metadata: ["command": "\(name)", "error": "\(error)"])
        }
    }
}

/// A command's `exception` from the server, before the client names the
/// command in ``NanoverWebSocketClientError/commandFailed(name:message:)``.
struct ServerException: Error {
    let message: String
}
