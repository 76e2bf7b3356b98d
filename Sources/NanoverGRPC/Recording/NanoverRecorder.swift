import GRPCCore
import GRPCProtobuf
import NanoverCore
import NanoverProtocol
import SwiftProtobuf
import Synchronization

/// Records any NanoVer server's session (ours or another) over the network,
/// as the reference's recorder does: its latest frames and its state
/// updates, both at interval 0, each message stamped on arrival and handed
/// to a sink: by default `PREFIX.traj` and `PREFIX.state`
/// (``ProtobufRecordingFiles``).
///
/// ```swift
/// let recorder = try NanoverRecorder(prefix: "session")
/// let outcome = try await recorder.record(from: connection)   // until cancelled or the server goes
/// ```
///
/// The `.traj` and `.state` files get the messages as received, never
/// decoded and encoded again. A server that goes away ends the recording;
/// the files stay complete up to the last message.
public final class NanoverRecorder: Sendable {
    /// What a recording wrote (frames: `GetFrameResponse` messages; state
    /// updates: `StateUpdate` messages), and why it ended.
    public typealias Outcome = RecordingOutcome

    /// Where the messages go, closed when the recording ends.
    public let sink: any ProtobufRecordingSink

    /// A recorder writing to `sink`.
    public init(sink: any ProtobufRecordingSink) {
        self.sink = sink
    }

    /// A recorder writing `PREFIX.traj` and `PREFIX.state`, both created
    /// (or emptied) now.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public convenience init(prefix: String) throws(RecordingError) {
        self.init(sink: try ProtobufRecordingFiles(prefix: prefix))
    }

    /// Records until the calling task is cancelled or both streams end,
    /// then closes the sink.
    ///
    /// - Parameter connection: the connection to the server to record; the
    ///   recorder does not close it.
    /// - Returns: how many messages of each kind were written, and the error
    ///   that ended a stream, if one did.
    /// - Throws: what the sink throws when it cannot write.
    public func record(from connection: NanoverConnection) async throws -> Outcome {
        let clock = RecordingClock()
        let outcome = Tally()
        let trajectory = Nanover_Protocol_Trajectory_TrajectoryService.Method.self
        let stateMethods = Nanover_Protocol_State_State.Method.self
        try await closing(sink.close) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [sink] in
                    try await Self.stream(
                        connection, trajectory.SubscribeLatestFrames.descriptor, Nanover_Protocol_Trajectory_GetFrameRequest(),
                        into: sink.appendFrameResponse, counting: \.frames, clock: clock, outcome: outcome)
                }
                group.addTask { [sink] in
                    try await Self.stream(
                        connection, stateMethods.SubscribeStateUpdates.descriptor, Nanover_Protocol_State_SubscribeStateUpdatesRequest(),
                        into: sink.appendStateUpdate, counting: \.stateUpdates, clock: clock, outcome: outcome)
                }
                try await group.waitForAll()
            }
        }
        return outcome.value.withLock { $0 }
    }

    /// One stream at interval 0, each message written as it came and
    /// counted. A stream error is kept in `outcome`, not thrown: the other
    /// stream goes on. What the sink throws ends the recording.
    private static func stream<Request: SwiftProtobuf.Message>(
        _ connection: NanoverConnection, _ method: MethodDescriptor, _ request: Request,
        into write: @escaping @Sendable ([UInt8], UInt64) throws -> Void, counting count: WritableKeyPath<Outcome, Int> & Sendable,
        clock: RecordingClock, outcome: Tally
    ) async throws {
        do {
            try await connection.grpcClient.serverStreaming(
                request: ClientRequest(message: request), descriptor: method,
                serializer: ProtobufSerializer<Request>(), deserializer: MessageBytes(),
                options: .receivingLarge(1 << 30)
            ) { response in
                for try await message in response.messages {
                    do {
                        try write(message, clock.microseconds)
                    } catch {
                        throw SinkFailure(error: error)
                    }
                    outcome.value.withLock { $0[keyPath: count] += 1 }
                }
            }
        } catch let failure as SinkFailure {
            throw failure.error
        } catch {
            if !Task.isCancelled {
                outcome.value.withLock { $0.streamError = error }
            }
        }
    }
}

/// What the sink threw, told apart from the stream's own errors.
private struct SinkFailure: Error {
    let error: any Error
}

/// A message's bytes, as they came.
struct MessageBytes: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// What a recording wrote so far, shared by its two streams.
private final class Tally: Sendable {
    let value = Mutex(NanoverRecorder.Outcome())
}
