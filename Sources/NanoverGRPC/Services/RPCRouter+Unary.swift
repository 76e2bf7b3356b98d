import GRPCCore
import GRPCProtobuf
import SwiftProtobuf

extension RPCRouter {
    /// Registers a unary protobuf method with a plain async handler, decoding
    /// requests with a deserializer that explains malformed bytes.
    mutating func registerUnary<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ descriptor: MethodDescriptor,
        maxRequestBytes: Int,
        handler: @escaping @Sendable (Input, ServerContext) async throws -> Output
    ) {
        registerUnary(descriptor, deserializer: DescriptiveProtobufDeserializer<Input>(maxBytes: maxRequestBytes), handler: handler)
    }

    /// Registers a unary method whose requests `deserializer` decodes and
    /// whose responses are protobuf messages.
    mutating func registerUnary<Deserializer: MessageDeserializer, Output: SwiftProtobuf.Message>(
        _ descriptor: MethodDescriptor,
        deserializer: Deserializer,
        handler: @escaping @Sendable (Deserializer.Message, ServerContext) async throws -> Output
    ) where Deserializer.Message: Sendable {
        registerHandler(
            forMethod: descriptor,
            deserializer: deserializer,
            serializer: ProtobufSerializer<Output>()
        ) { request, context in
            let single = try await ServerRequest(stream: request)
            let output = try await handler(single.message, context)
            return StreamingServerResponse(single: ServerResponse(message: output))
        }
    }
}
