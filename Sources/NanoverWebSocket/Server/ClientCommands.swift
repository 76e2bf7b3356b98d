import NIOCore
import NIOWebSocket
import NanoverCore
import NanoverMessagePack
import Synchronization

/// The commands one 2026 client registered: anyone, over either protocol,
/// runs them on that client. The hub sends the client a request with an id
/// from this connection's own counter and waits for its response or
/// exception. They are removed when the client leaves; a call in flight
/// then fails saying so.
final class ClientCommands: Sendable {
    private struct Registered {
        var names: Set<String> = []
        var ended = false
    }

    private let registry: CommandRegistry
    private let registered = Mutex(Registered())
    private let replies = PendingReplies<NanoverStruct>()
    private let outbound: Mutex<NIOAsyncChannelOutboundWriter<WebSocketFrame>?> = Mutex(nil)

    init(registry: CommandRegistry) {
        self.registry = registry
    }

    /// Where requests go: the connection's writer, once it is open.
    func attach(_ writer: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
        outbound.withLock { $0 = writer }
    }

    /// Registers `name` to run on this client.
    ///
    /// - Throws: ``/NanoverCore/CommandError`` when the name is taken or the defaults
    ///   cannot be held.
    func register(_ name: String, defaultArguments: NanoverStruct, label: String?, icon: String?) throws(CommandError) {
        // Quick: it only sends a request and awaits the reply, so it need
        // not leave the thread it is called on.
        try registry.register(name, defaultArguments: defaultArguments, mayBlock: false, label: label, icon: icon) { [self] arguments in
            try await call(name, arguments: arguments)
        }
        let left = registered.withLock { registered in
            registered.names.insert(name)
            return registered.ended
        }
        // The client left while registering: take it back.
        if left { try? registry.unregister(name) }
    }

    /// Takes a client's answer to a request the hub sent it.
    func answer(echo request: MessagePackValue, result: Result<NanoverStruct, ClientCommandError>) {
        guard let id = PendingReplies<NanoverStruct>.id(of: request) else { return }
        replies.answer(id, with: result.mapError { $0 as any Error })
    }

    /// Unregisters every command of the client and fails the calls in
    /// flight. Idempotent.
    func end() {
        let names = registered.withLock { registered in
            registered.ended = true
            defer { registered.names = [] }
            return registered.names
        }
        for name in names { try? registry.unregister(name) }
        replies.end(throwing: ClientCommandError.clientLeft)
        outbound.withLock { $0 = nil }
    }

    private func call(_ name: String, arguments: NanoverStruct) async throws -> NanoverStruct {
        guard let writer = outbound.withLock({ $0 }) else { throw ClientCommandError.clientLeft }
        let id = try replies.reserve()
        do {
            try await writer.write(.binary(OutgoingMessage.request(name: name, arguments: arguments, id: id)))
        } catch {
            replies.abandon(id)
            throw ClientCommandError.clientLeft
        }
        return try await replies.wait(for: id)
    }
}

/// Why a command registered by a 2026 client did not run: the error
/// ``/NanoverCore/CommandRegistry/run(_:arguments:)`` throws for such a
/// command, whose text reaches the caller, over either protocol, as the
/// command's failure.
public enum ClientCommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The client that registered it has left.
    case clientLeft
    /// The client answered with an exception: its text.
    case failed(String)

    /// The error in words: for ``failed(_:)``, the client's own text.
    public var description: String {
        switch self {
        case .clientLeft: return "the client that registered this command has left"
        case .failed(let message): return message
        }
    }
}
