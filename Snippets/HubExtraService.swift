// Serve a gRPC service of your own on the hub's port, call it over a client's connection, and be told when the server closes.

// snippet.hide
import GRPCCore
import GRPCProtobuf
import NanoverCore
import NanoverGRPC
import Synchronization
import SwiftProtobuf

// snippet.show
// snippet.service
/// A one-method service written by hand; a generated service registers the same way.
final class EchoService: ClosingAwareService {
    static let say = MethodDescriptor(fullyQualifiedService: "demo.Echo", method: "Say")
    let closed = Atomic(false)

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.say,
            deserializer: ProtobufDeserializer<Google_Protobuf_StringValue>(),
            serializer: ProtobufSerializer<Google_Protobuf_StringValue>()
        ) { request, _ in
            let text = try await ServerRequest(stream: request).message.value
            return StreamingServerResponse(single: ServerResponse(message: .with { $0.value = "echo: \(text)" }))
        }
    }

    /// Called by the server's close(): the moment to end this service's streams.
    func serverWillClose() async {
        closed.store(true, ordering: .relaxed)
    }
}
// snippet.end

// snippet.serve
let echo = EchoService()
var configuration = NanoverServer.Configuration()
configuration.additionalServices = [echo]
let server = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: configuration)

// Clients reach it over the connection their NanoVer calls use.
let client = try NanoverClient(address: "127.0.0.1", port: server.port)
let reply = try await client.connection.grpcClient.unary(
    request: ClientRequest(message: Google_Protobuf_StringValue.with { $0.value = "hello" }),
    descriptor: EchoService.say,
    serializer: ProtobufSerializer<Google_Protobuf_StringValue>(),
    deserializer: ProtobufDeserializer<Google_Protobuf_StringValue>(),
    options: .defaults
) { response in try response.message.value }
print(reply)                                    // echo: hello
// snippet.end
// snippet.hide
precondition(reply == "echo: hello")
// snippet.show

// snippet.clash
// A service reusing one of ours (here the State service's name) stops the start.
struct Impostor: RegistrableRPCService {
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: MethodDescriptor(fullyQualifiedService: "nanover.protocol.state.State", method: "Anything"),
            deserializer: ProtobufDeserializer<Google_Protobuf_Empty>(),
            serializer: ProtobufSerializer<Google_Protobuf_Empty>()
        ) { _, _ in StreamingServerResponse(single: ServerResponse(message: Google_Protobuf_Empty())) }
    }
}
var clashing = NanoverServer.Configuration()
clashing.additionalServices = [Impostor()]
do {
    _ = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: clashing)
} catch {
    print(error)                                // two services offer methods of the gRPC service nanover.protocol.state.State
}
// snippet.end
// snippet.hide
do {
    let started = try await NanoverServer.start(address: "127.0.0.1", port: 0, configuration: clashing)
    await started.close()
    preconditionFailure("a clashing service should stop the start")
} catch .serviceClash(let service) {
    precondition(service == "nanover.protocol.state.State")
} catch {
    preconditionFailure("\(error)")
}
// snippet.show

await client.close()
await server.close()
// snippet.hide
precondition(echo.closed.load(ordering: .relaxed))
// snippet.show
