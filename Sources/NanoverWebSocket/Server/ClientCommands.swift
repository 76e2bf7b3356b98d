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
    private struct Calls {
        var nextID: Int64 = 1
        /// Requests sent and not yet answered.
        var expected: Set<Int64> = []
        /// Answers that came before their caller started waiting.
        var early: [Int64: Result<NanoverStruct, ClientCommandError>] = [:]
        var waiting: [Int64: CheckedContinuation<NanoverStruct, any Error>] = [:]
        var names: Set<String> = []
        var ended = false
    }

    private let registry: CommandRegistry
    private let calls = Mutex(Calls())
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
    /// - Throws: ``CommandError`` when the name is taken or the defaults
    ///   cannot be held.
    func register(_ name: String, defaultArguments: NanoverStruct) throws(CommandError) {
        try registry.register(name, defaultArguments: defaultArguments) { [self] arguments in
            try await call(name, arguments: arguments)
        }
        let left = calls.withLock { calls in
            calls.names.insert(name)
            return calls.ended
        }
        // The client left while registering: take it back.
        if left { try? registry.unregister(name) }
    }

    /// Takes a client's answer to a request the hub sent it.
    func answer(echo request: MessagePackValue, result: Result<NanoverStruct, ClientCommandError>) {
        guard case .map(let fields) = request,
              let id = fields.last(where: { $0.0 == .string("id") }).flatMap({ $0.1.integer })
        else { return }
        let waiter = calls.withLock { calls -> CheckedContinuation<NanoverStruct, any Error>? in
            guard calls.expected.contains(id) else { return nil }
            guard let waiter = calls.waiting.removeValue(forKey: id) else {
                calls.early[id] = result
                return nil
            }
            calls.expected.remove(id)
            return waiter
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }

    /// Unregisters every command of the client and fails the calls in
    /// flight. Idempotent.
    func end() {
        let (names, waiting) = calls.withLock { calls in
            calls.ended = true
            defer {
                calls.names = []
                calls.waiting = [:]
                calls.expected = []
                calls.early = [:]
            }
            return (calls.names, Array(calls.waiting.values))
        }
        for name in names { try? registry.unregister(name) }
        for waiter in waiting { waiter.resume(throwing: ClientCommandError.clientLeft) }
        outbound.withLock { $0 = nil }
    }

    private func call(_ name: String, arguments: NanoverStruct) async throws -> NanoverStruct {
        guard let writer = outbound.withLock({ $0 }),
              let id = calls.withLock({ calls -> Int64? in
                  guard !calls.ended else { return nil }
                  defer { calls.nextID += 1 }
                  calls.expected.insert(calls.nextID)
                  return calls.nextID
              })
        else { throw ClientCommandError.clientLeft }
        do {
            let bytes = OutgoingMessage.request(name: name, arguments: arguments, id: id)
            try await writer.write(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
        } catch {
            calls.withLock { _ = $0.expected.remove(id) }
            throw ClientCommandError.clientLeft
        }
        return try await withCheckedThrowingContinuation { continuation in
            let settled = calls.withLock { calls -> Result<NanoverStruct, ClientCommandError>? in
                if let early = calls.early.removeValue(forKey: id) {
                    calls.expected.remove(id)
                    return early
                }
                if calls.ended { return .failure(.clientLeft) }
                calls.waiting[id] = continuation
                return nil
            }
            if let settled { continuation.resume(with: settled.mapError { $0 as any Error }) }
        }
    }
}

/// Why a command registered by a 2026 client did not run.
public enum ClientCommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The client that registered it has left.
    case clientLeft
    /// The client answered with an exception.
    case failed(String)

    public var description: String {
        switch self {
        case .clientLeft: return "the client that registered this command has left"
        case .failed(let message): return message
        }
    }
}
