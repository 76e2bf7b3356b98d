import GRPCCore
import GRPCProtobuf
import NanoverCore
import NanoverProtocol
import SwiftProtobuf
import Synchronization

/// Records any NanoVer server's session (ours or another) over the network,
/// as the reference's recorder does: its latest frames and its state
/// updates, both at interval 0, each message written as it came, stamped
/// on arrival, to `PREFIX.traj` and `PREFIX.state`.
///
/// ```swift
/// let recorder = try NanoverRecorder(prefix: "session")
/// let outcome = try await recorder.record(from: connection)   // until cancelled or the server goes
/// ```
///
/// Messages are written as received, never decoded and encoded again. A
/// server that goes away ends the recording; the files stay complete up to
/// the last message.
public final class NanoverRecorder: Sendable {
    /// What a recording wrote, and why it ended.
    public struct Outcome: Sendable {
        public var frames = 0
        public var stateUpdates = 0
        /// The error that ended a stream (the server going away, say); nil
        /// when the recording was stopped or the server closed normally.
        public var streamError: (any Error)?

        public init() {}
    }

    public let framesPath: String
    public let statePath: String
    private let frames: RecordingWriter
    private let state: RecordingWriter

    /// Creates (or empties) both files.
    ///
    /// - Throws: ``RecordingError/io(path:operation:errno:)``.
    public init(prefix: String) throws(RecordingError) {
        framesPath = prefix + ".traj"
        statePath = prefix + ".state"
        frames = try RecordingWriter(path: framesPath)
        state = try RecordingWriter(path: statePath)
    }

    /// Records until the calling task is cancelled or both streams end,
    /// then closes both files.
    ///
    /// - Throws: ``RecordingError`` when a file cannot be written.
    public func record(from connection: NanoverConnection) async throws -> Outcome {
        let clock = RecordingClock()
        let outcome = Tally()
        defer {
            frames.close()
            state.close()
        }
        let trajectory = Nanover_Protocol_Trajectory_TrajectoryService.Method.self
        let stateMethods = Nanover_Protocol_State_State.Method.self
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [frames] in
                try await Self.stream(
                    connection, trajectory.SubscribeLatestFrames.descriptor, Nanover_Protocol_Trajectory_GetFrameRequest(),
                    into: frames, counting: \.frames, clock: clock, outcome: outcome)
            }
            group.addTask { [state] in
                try await Self.stream(
                    connection, stateMethods.SubscribeStateUpdates.descriptor, Nanover_Protocol_State_SubscribeStateUpdatesRequest(),
                    into: state, counting: \.stateUpdates, clock: clock, outcome: outcome)
            }
            try await group.waitForAll()
        }
        return outcome.value.withLock { $0 }
    }

    /// One stream at interval 0, each message written as it came and
    /// counted. A stream error is kept in `outcome`, not thrown: the other
    /// stream goes on.
    private static func stream<Request: SwiftProtobuf.Message>(
        _ connection: NanoverConnection, _ method: MethodDescriptor, _ request: Request,
        into writer: RecordingWriter, counting count: WritableKeyPath<Outcome, Int> & Sendable,
        clock: RecordingClock, outcome: Tally
    ) async throws {
        do {
            try await connection.grpcClient.serverStreaming(
                request: ClientRequest(message: request), descriptor: method,
                serializer: ProtobufSerializer<Request>(), deserializer: MessageBytes(),
                options: .receivingLarge(1 << 30)
            ) { response in
                for try await message in response.messages {
                    try writer.append(timestamp: clock.microseconds, message: message)
                    outcome.value.withLock { $0[keyPath: count] += 1 }
                }
            }
        } catch let error as RecordingError {
            throw error
        } catch {
            if !Task.isCancelled {
                outcome.value.withLock { $0.streamError = error }
            }
        }
    }
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
