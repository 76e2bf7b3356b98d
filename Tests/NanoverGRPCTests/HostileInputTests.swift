import GRPCCore
import GRPCNIOTransportHTTP2
import NanoverCore
import NanoverGRPC
import NanoverProtocol
import NanoverTestSupport
import Testing

/// Odd and hostile requests: each gets a status with a clear message, and
/// the server goes on serving the next one.
@Suite("Hostile input")
struct HostileInputTests {
    /// Calls `method` with `bytes` as the request, as they are.
    private func rawCall(_ client: NanoverClient, _ method: MethodDescriptor, _ bytes: [UInt8]) async throws -> [UInt8] {
        try await client.connection.grpcClient.unary(
            request: ClientRequest(message: bytes), descriptor: method,
            serializer: RawBytesSerializer(), deserializer: RawBytesDeserializer(), options: .defaults
        ) { try $0.message }
    }

    @Test("bytes that are not a protobuf message get INVALID_ARGUMENT, and the server goes on", arguments: [
        Nanover_Protocol_State_State.Method.UpdateState.descriptor,
        Nanover_Protocol_State_State.Method.UpdateLocks.descriptor,
        Nanover_Protocol_Command_Command.Method.RunCommand.descriptor,
        Nanover_Protocol_Command_Command.Method.GetCommands.descriptor,
    ])
    func notProtobuf(method: MethodDescriptor) async throws {
        try await withClientServer { client, server async throws in
            for garbage: [UInt8] in [[0xFF, 0xFF, 0xFF], [0x0A, 0x7F, 0x01], [0x12, 0x05, 0x0A]] {
                let error = await #expect(throws: RPCError.self) { try await rawCall(client, method, garbage) }
                #expect(error?.code == .invalidArgument, "\(method): \(garbage)")
                #expect(error?.message.contains("not a valid") == true)
            }
            #expect(try await client.attemptUpdateState(StateChange(updates: ["still": "serving"])))
        }
    }

    @Test("an unknown method is UNIMPLEMENTED")
    func unknownMethod() async throws {
        try await withClientServer { client, server async throws in
            let method = MethodDescriptor(fullyQualifiedService: "nanover.protocol.state.State", method: "Explode")
            let error = await #expect(throws: RPCError.self) { try await rawCall(client, method, []) }
            #expect(error?.code == .unimplemented)
            #expect(try await client.attemptUpdateState(StateChange(updates: ["still": "serving"])))
        }
    }

    @Test("a struct nested 10,000 deep is an error, not a stack overflow, on the server")
    func deepOnServer() async throws {
        try await withClientServer { client, server async throws in
            let request = RawMessages.deeplyNestedUpdateRequest(depth: 10_000)
            let error = await #expect(throws: RPCError.self) {
                try await rawCall(client, Nanover_Protocol_State_State.Method.UpdateState.descriptor, request)
            }
            #expect(error?.code == .invalidArgument)
            #expect(server.copyState() == initialState)
            #expect(try await client.attemptUpdateState(StateChange(updates: ["still": "serving"])))
        }
    }

    @Test("a value nested 10,000 deep is refused by the client before sending")
    func deepOnClient() async throws {
        try await withClientServer { client, server async throws in
            var value: NanoverValue = 1
            for _ in 0..<10_000 {
                value = ["k": value]
            }
            await #expect(throws: NanoverValueError.self) { try await client.attemptUpdateState(StateChange(updates: ["deep": value])) }
            await #expect(throws: NanoverValueError.self) { try await client.runCommand("x", arguments: ["deep": value]) }
            #expect(server.copyState() == initialState)
        }
    }

    @Test("a server sending a struct nested 10,000 deep ends the client's subscription with an error, not a crash")
    func deepFromServer() async throws {
        let hostile = GRPCServer(
            transport: .http2NIOPosix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
            services: [DeepStateService()]
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await hostile.serve() }
            let port = try #require(try await hostile.listeningAddress?.ipv4?.port)
            let client = try NanoverClient(address: "127.0.0.1", port: port)
            let changes = client.stateChanges()
            client.subscribeAllStateUpdates(interval: .zero)
            await #expect(throws: (any Error).self) {
                for try await _ in changes {}
            }
            #expect(client.copyState().isEmpty)
            await client.close()
            hostile.beginGracefulShutdown()
        }
    }

    @Test("a message over the size limit is RESOURCE_EXHAUSTED, and the server goes on")
    func tooLarge() async throws {
        var configuration = testConfiguration()
        configuration.maxRequestMessageBytes = 64 * 1024
        let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        let big = NanoverValue.string(String(repeating: "x", count: 100 * 1024))
        let error = await #expect(throws: RPCError.self) { try await client.attemptUpdateState(StateChange(updates: ["big": big])) }
        #expect(error?.code == .resourceExhausted, "\(String(describing: error))")
        #expect(error?.message.isEmpty == false)
        #expect(server.copyState().isEmpty)
        #expect(try await client.attemptUpdateState(StateChange(updates: ["small": "fine"])))
        await client.close()
        await server.close()
    }

    @Test("NaN and infinities are values like any other, kept and streamed intact")
    func nonFinite() async throws {
        try await withClientServer(initial: [:]) { client, server async throws in
            client.subscribeAllStateUpdates(interval: .zero)
            let values: NanoverStruct = ["nan": .double(.nan), "inf": .double(.infinity), "-inf": .double(-.infinity), "list": [.double(.nan)]]
            #expect(try await client.attemptUpdateState(StateChange(updates: values)))
            #expect(server.copyState() == values)
            await waitUntil("the mirror has them") { client.copyState() == values }
            #expect(client.copyState()["nan"]?.doubleValue?.isNaN == true)
            // An infinite lock duration is a lock that never lapses.
            #expect(try await client.attemptUpdateLocks(["nan": .acquireIndefinitely]))
        }
    }

    @Test("100,000 keys in one change land whole and arrive in one message")
    func hundredThousandKeys() async throws {
        try await withClientServer(initial: [:]) { client, server async throws in
            let watcher = server.state.subscribe()
            var updates: NanoverStruct = [:]
            for index in 0..<100_000 {
                updates["k\(index)"] = .double(Double(index))
            }
            #expect(try await client.attemptUpdateState(StateChange(updates: updates)))
            #expect(server.copyState().count == 100_000)
            let message = await watcher.next()
            #expect(message?.count == 100_000)
            #expect(try await client.attemptUpdateState(StateChange(updates: ["after": true])))
        }
    }

    @Test("the empty key and a key of a mebibyte travel intact")
    func oddKeys() async throws {
        try await withClientServer(initial: [:]) { client, server async throws in
            let long = String(repeating: "k", count: 1 << 20)
            client.subscribeAllStateUpdates(interval: .zero)
            #expect(try await client.attemptUpdateState(StateChange(updates: ["": "empty", long: "long"])))
            #expect(try await client.attemptUpdateLocks(["": .acquire(.seconds(5)), long: .acquire(.seconds(5))]))
            #expect(server.copyState() == ["": "empty", long: "long"])
            await waitUntil("the mirror has both") { client.copyState() == ["": "empty", long: "long"] }
        }
    }
}

/// A hostile server: its state stream sends one struct nested far deeper
/// than any decoder accepts.
private struct DeepStateService: RegistrableRPCService {
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Nanover_Protocol_State_State.Method.SubscribeStateUpdates.descriptor,
            deserializer: RawBytesDeserializer(),
            serializer: RawBytesSerializer()
        ) { _, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                try await writer.write(RawMessages.stateUpdate(key: "deep", valueBytes: RawMessages.deeplyNestedValue(depth: 10_000)))
                return [:]
            }
        }
    }
}
