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
        registerHandler(
            forMethod: descriptor,
            deserializer: DescriptiveProtobufDeserializer<Input>(maxBytes: maxRequestBytes),
            serializer: ProtobufSerializer<Output>()
        ) { request, context in
            let single = try await ServerRequest(stream: request)
            let output = try await handler(single.message, context)
            return StreamingServerResponse(single: ServerResponse(message: output))
        }
    }
}
