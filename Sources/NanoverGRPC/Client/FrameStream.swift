import GRPCCore
import NanoverCore
import NanoverProtocol
import Synchronization

/// A client's subscription to the server's frames: an `AsyncSequence` of
/// ``/NanoverCore/ReceivedFrame``s, the server's merged current frame first.
///
/// While it runs, every frame it receives also goes into the client's
/// ``NanoverClient/frameHistory``, whether or not anyone iterates the stream.
/// What waits for the reader is bounded: a stream of every frame keeps up to
/// ``/NanoverCore/FramePublisher/defaultBacklogLimit`` frames, past which
/// iterating throws ``/NanoverCore/FrameSubscriptionError/fellBehind(limit:)``
/// (the history keeps up); a stream of the latest frames keeps one, folding
/// newer frames in without hiding a reset.
///
/// It ends when the server ends it (closing: the iteration finishes; an
/// error such as `RESOURCE_EXHAUSTED`: the iteration throws the
/// `RPCError`), on ``cancel()``, or when the client closes.
public final class FrameStream: AsyncSequence, Sendable {
    public typealias Element = ReceivedFrame
    public typealias Failure = any Error

    /// Every frame, or the latest ones merged.
    public let mode: FrameSubscription.Mode
    /// The minimum spacing asked of the server.
    public let interval: Duration
    private let buffer: ReceivedFrameBuffer
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(mode: FrameSubscription.Mode, interval: Duration) {
        self.mode = mode
        self.interval = interval
        self.buffer = ReceivedFrameBuffer(mode: mode)
    }

    /// Starts reading from the server; called once by the client.
    func start(client: NanoverClient, onEnd: @escaping @Sendable () -> Void) {
        let request = Nanover_Protocol_Trajectory_GetFrameRequest.with {
            $0.frameInterval = Float(interval.inSeconds)
        }
        let trajectory = client.trajectoryClient
        let options = client.streamOptions()
        let mode = self.mode
        let buffer = self.buffer
        // Kept here; cancel() and the client's close() cancel and await it.
        let reader = Task {
            let handle: @Sendable (StreamingClientResponse<Nanover_Protocol_Trajectory_GetFrameResponse>) async throws -> Void = { response in
                for try await message in response.messages {
                    let received = ReceivedFrame(index: message.frameIndex, frame: try Frame(protobuf: message.frame))
                    client.receiveFrame(received)
                    buffer.push(received)
                }
            }
            do {
                switch mode {
                case .every: try await trajectory.subscribeFrames(request, options: options, onResponse: handle)
                case .latest: try await trajectory.subscribeLatestFrames(request, options: options, onResponse: handle)
                }
                buffer.finish()
            } catch {
                buffer.finish(throwing: Task.isCancelled ? nil : error)
            }
            onEnd()
        }
        task.withLock { $0 = reader }
    }

    /// The next frame, or nil once the stream has ended.
    ///
    /// - Throws: ``/NanoverCore/FrameSubscriptionError/fellBehind(limit:)`` for
    ///   a reader of every frame too far behind; the server's `RPCError`.
    public func next() async throws -> ReceivedFrame? {
        try await buffer.next()
    }

    /// Stops the subscription and waits until its stream is closed. Frames
    /// not yet taken are dropped. Idempotent.
    public func cancel() async {
        let reader = task.withLock { $0 }
        reader?.cancel()
        buffer.cancel()
        await reader?.value
    }

    /// Waits until the stream has ended.
    public func waitUntilEnded() async {
        await task.withLock { $0 }?.value
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: FrameStream

        public mutating func next() async throws -> ReceivedFrame? {
            try await stream.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}
