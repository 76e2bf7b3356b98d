import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import NanoverGRPC
import NanoverProtocol
import SwiftProtobuf

typealias StateClient = Nanover_Protocol_State_State.Client<HTTP2ClientTransport.Posix>
typealias CommandClient = Nanover_Protocol_Command_Command.Client<HTTP2ClientTransport.Posix>

/// A key of a state update, the time its value was sent, and its sequence
/// number if it has one.
struct Stamp: Sendable {
    let key: String
    let sent: Double
    let sequence: Double?
}

/// Finds the "sent" (and "seq") stamps of a `StateUpdate` without decoding it.
struct StampDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [Stamp] {
        var stamps: [Stamp] = []
        serializedMessageBytes.withUnsafeBytes { buffer in
            PlainProtobufReader.forEachKey(inStateUpdate: buffer, numberFields: ["sent", "seq"]) { key, numbers in
                if let sent = numbers[0] {
                    stamps.append(Stamp(key: key, sent: sent, sequence: numbers[1]))
                }
            }
        }
        return stamps
    }
}

/// Reads a streamed message's size without decoding it: subscribers whose
/// contents are not inspected cost the load generator as little as possible.
struct ByteCountDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Int {
        serializedMessageBytes.count
    }
}

extension NanoverConnection {
    var state: StateClient { StateClient(wrapping: grpcClient) }
    var commands: CommandClient { CommandClient(wrapping: grpcClient) }

    /// Subscribes and hands each message, undecoded, to `onMessage` (its
    /// size in bytes) until the stream ends or the task is cancelled.
    func subscribeCountingBytes(interval: Float, onMessage: @escaping @Sendable (Int) -> Void) async throws {
        var request = Nanover_Protocol_State_SubscribeStateUpdatesRequest()
        request.updateInterval = interval
        try await grpcClient.serverStreaming(
            request: ClientRequest(message: request),
            descriptor: Nanover_Protocol_State_State.Method.SubscribeStateUpdates.descriptor,
            serializer: ProtobufSerializer<Nanover_Protocol_State_SubscribeStateUpdatesRequest>(),
            deserializer: ByteCountDeserializer(),
            options: .defaults
        ) { response in
            for try await size in response.messages {
                onMessage(size)
            }
        }
    }

    /// Subscribes and hands `onMessage` each message's keys with the number
    /// in their struct's "sent" field, read without decoding the message.
    func subscribeStamps(interval: Float, onMessage: @escaping @Sendable ([Stamp]) -> Void) async throws {
        var request = Nanover_Protocol_State_SubscribeStateUpdatesRequest()
        request.updateInterval = interval
        let options = CallOptions.receivingLarge(64 << 20)
        try await grpcClient.serverStreaming(
            request: ClientRequest(message: request),
            descriptor: Nanover_Protocol_State_State.Method.SubscribeStateUpdates.descriptor,
            serializer: ProtobufSerializer<Nanover_Protocol_State_SubscribeStateUpdatesRequest>(),
            deserializer: StampDeserializer(),
            options: options
        ) { response in
            for try await stamps in response.messages {
                onMessage(stamps)
            }
        }
    }
}

extension Google_Protobuf_Value {
    init(fields: [String: Google_Protobuf_Value]) {
        self.init(structValue: Google_Protobuf_Struct(fields: fields))
    }

    init(numbers: [Double]) {
        self.init(listValue: Google_Protobuf_ListValue(values: numbers.map { Google_Protobuf_Value(numberValue: $0) }))
    }
}

/// Runs `body` until it returns or `deadline` passes, then cancels it.
func cancelling<Result: Sendable>(after deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result? {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(until: deadline)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
