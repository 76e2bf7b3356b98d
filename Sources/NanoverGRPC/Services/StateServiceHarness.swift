import GRPCCore
import Logging
@_spi(Fuzzing) import NanoverCore
import NanoverProtocol

/// The state service's handling of raw request bytes, exactly as it serves
/// them, for the fuzzing harness: decoding, checks, and the engine.
@_spi(Fuzzing)
public struct StateServiceHarness: Sendable {
    private let service: StateService
    private let updateDecoder: StateUpdateRequestDeserializer
    private let lockDecoder: DescriptiveProtobufDeserializer<Nanover_Protocol_State_UpdateLocksRequest>

    public init(engine: StateEngine, maxRequestBytes: Int = NanoverServer.Configuration().maxRequestMessageBytes) {
        service = StateService(engine: engine, subscriptions: SubscriptionRegistry(), maxRequestBytes: maxRequestBytes, connectionUsers: nil, logger: Logger(label: "nanover.fuzz"))
        updateDecoder = StateUpdateRequestDeserializer(maxBytes: maxRequestBytes)
        lockDecoder = DescriptiveProtobufDeserializer(maxBytes: maxRequestBytes)
    }

    /// Serves `bytes` as an `UpdateState` request: whether it was accepted.
    ///
    /// - Throws: the `RPCError` a client would get as its status.
    public func updateState(_ bytes: [UInt8]) throws -> Bool {
        try service.updateState(updateDecoder.deserialize(bytes), peer: "fuzz").success
    }

    /// Whether the plain reader, when it reads `bytes` at all, reads the
    /// request swift-protobuf reads from them.
    public func plainReadingAgrees(_ bytes: [UInt8]) -> Bool {
        guard let plain = bytes.withUnsafeBytes({ try? StateUpdateRequestDeserializer.readPlain($0) }) else { return true }
        return (try? updateDecoder.decodeFully(bytes)) == plain
    }

    /// Serves `bytes` as an `UpdateLocks` request: whether it was accepted.
    ///
    /// - Throws: the `RPCError` a client would get as its status.
    public func updateLocks(_ bytes: [UInt8]) throws -> Bool {
        try service.updateLocks(lockDecoder.deserialize(bytes)).success
    }
}

extension StateServiceHarness {
    /// The state of `engine`, and the `StateUpdate` bytes a new subscriber
    /// would be sent for it: the fuzzing harness checks they agree.
    @_spi(Fuzzing)
    public static func stateWithItsEncoding(_ engine: StateEngine) throws -> (state: NanoverStruct, encoded: [UInt8]) {
        let (state, update) = engine.stateWithItsUpdate()
        return (state, try SubscriptionUpdateSerializer().serialize(update))
    }
}
