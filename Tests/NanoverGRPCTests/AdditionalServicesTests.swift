import GRPCCore
import GRPCProtobuf
import NanoverCore
import NanoverGRPC
import NanoverProtocol
import NanoverTestSupport
import Synchronization
import Testing

/// An embedder's service: answers, and follows until the server closes.
private final class EchoService: Nanover_Testing_Echo.SimpleServiceProtocol, ClosingAwareService {
    private struct State {
        var followers = 0
        var closings = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    private let state = Mutex(State())

    var followers: Int { state.withLock { $0.followers } }
    var closings: Int { state.withLock { $0.closings } }

    func get(request: Nanover_Testing_EchoRequest, context: ServerContext) async throws -> Nanover_Testing_EchoReply {
        .with { $0.text = request.text }
    }

    func follow(
        request: Nanover_Testing_EchoRequest, response: RPCWriter<Nanover_Testing_EchoReply>, context: ServerContext
    ) async throws {
        try await response.write(.with { $0.text = request.text })
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closed = state.withLock { state in
                state.followers += 1
                if !state.closed { state.waiting.append(continuation) }
                return state.closed
            }
            if closed { continuation.resume() }
        }
    }

    func serverWillClose() async {
        let waiting = state.withLock { state in
            state.closings += 1
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting {
            continuation.resume()
        }
    }
}

/// Registers a handler under our State service's name.
private struct Impostor: RegistrableRPCService {
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Nanover_Protocol_State_State.Method.UpdateState.descriptor,
            deserializer: ProtobufDeserializer<Nanover_Protocol_State_UpdateStateRequest>(),
            serializer: ProtobufSerializer<Nanover_Protocol_State_UpdateStateResponse>()
        ) { _, _ in
            throw RPCError(code: .internalError, message: "impostor")
        }
    }
}

@Suite("The server as a base for an embedder's services")
struct AdditionalServicesTests {
    @Test("an added service is served beside ours on one port and one connection, and told when the server closes")
    func echoBeside() async throws {
        let echo = EchoService()
        var configuration = testConfiguration()
        configuration.additionalServices = [echo]
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        let connection = try NanoverConnection.insecure(address: "127.0.0.1", port: server.port)
        let client = NanoverClient(connection: connection)
        let echoClient = Nanover_Testing_Echo.Client(wrapping: connection.grpcClient)

        #expect(try await echoClient.get(.with { $0.text = "hi" }).text == "hi")
        #expect(try await client.attemptUpdateState(StateChange(updates: ["x": 1])))
        #expect(try await client.updateAvailableCommands().isEmpty)

        let received = try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask {
                try await echoClient.follow(.with { $0.text = "follow" }) { response in
                    var texts: [String] = []
                    for try await reply in response.messages {
                        texts.append(reply.text)
                    }
                    return texts
                }
            }
            await waitUntil("the stream is open") { echo.followers == 1 }
            // Only the closing hook ends the stream: without it, close()
            // would wait out the test's long grace period and then cut the
            // stream off with an error.
            await server.close()
            return try await group.next() ?? []
        }
        #expect(received == ["follow"])
        #expect(echo.closings == 1)
        await client.close()
        await connection.close()
    }

    @Test("a service reusing one of our service names stops the start")
    func clashWithOurs() async throws {
        var configuration = testConfiguration()
        configuration.additionalServices = [Impostor()]
        await #expect {
            _ = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        } throws: { error in
            guard case NanoverServerError.serviceClash(let service) = error else { return false }
            return service == "nanover.protocol.state.State"
        }
    }

    @Test("two added services of one name stop the start")
    func clashBetweenAdded() async throws {
        var configuration = testConfiguration()
        configuration.additionalServices = [EchoService(), EchoService()]
        await #expect {
            _ = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        } throws: { error in
            guard case NanoverServerError.serviceClash(let service) = error else { return false }
            return service == "nanover.testing.Echo"
        }
    }
}
