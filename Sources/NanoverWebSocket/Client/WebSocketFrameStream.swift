import NanoverCore

/// The frames a 2026 client receives, as an `AsyncSequence` of
/// ``/NanoverCore/ReceivedFrame``s: the frame as it stands first (every frame since the
/// last reset merged, as index 0, as a new connection is sent first), then
/// each frame the server sends (merged by the server, at most 30 a second).
///
/// What waits for the reader is bounded: a stream of every frame keeps up
/// to ``/NanoverCore/FramePublisher/defaultBacklogLimit`` frames, past which iterating
/// throws ``/NanoverCore/FrameSubscriptionError/fellBehind(limit:)``; a stream of the
/// latest frames keeps one, folding newer frames in without hiding a
/// reset. It finishes on ``cancel()``, when the client closes, or when the
/// server closes normally, and throws the error when the connection fails.
/// The client's frame history is kept whether or not a stream is open.
public final class WebSocketFrameStream: AsyncSequence, Sendable {
    /// A frame with the index the server gave it.
    public typealias Element = ReceivedFrame
    /// How the connection failed, or
    /// ``/NanoverCore/FrameSubscriptionError/fellBehind(limit:)``.
    public typealias Failure = any Error

    /// Every frame, or the latest ones folded for a slow reader.
    public let mode: FrameSubscription.Mode
    let buffer: ReceivedFrameBuffer
    private let reception: FrameReception

    init(mode: FrameSubscription.Mode, reception: FrameReception) {
        self.mode = mode
        self.buffer = ReceivedFrameBuffer(mode: mode)
        self.reception = reception
    }

    /// The next frame, or nil once the stream has ended.
    ///
    /// - Throws: ``/NanoverCore/FrameSubscriptionError/fellBehind(limit:)`` for a reader
    ///   of every frame too far behind; how the connection failed.
    public func next() async throws -> ReceivedFrame? {
        try await buffer.next()
    }

    /// Stops the stream; frames not yet taken are dropped. Idempotent.
    public func cancel() {
        reception.close(self)
        buffer.cancel()
    }

    /// Iterates the stream: every iterator of one stream takes from the same
    /// frames, so iterate a stream from one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: WebSocketFrameStream

        /// The stream's next frame; see ``WebSocketFrameStream/next()``.
        ///
        /// - Throws: as ``WebSocketFrameStream/next()``.
        public mutating func next() async throws -> ReceivedFrame? {
            try await stream.next()
        }
    }

    /// An iterator over the stream's frames, for `for try await`.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}
