import NanoverCore

extension NanoverWebSocketClient {
    /// A stream of every frame message the server sends (it merges frames
    /// and paces them at 30 a second itself); see ``WebSocketFrameStream``.
    public func subscribeFrames() -> WebSocketFrameStream {
        openFrameStream(.every)
    }

    /// A stream of the latest frames: those that arrive while the reader is
    /// busy are folded into one, never hiding a reset.
    public func subscribeLatestFrames() -> WebSocketFrameStream {
        openFrameStream(.latest)
    }

    private func openFrameStream(_ mode: FrameSubscription.Mode) -> WebSocketFrameStream {
        let stream = WebSocketFrameStream(mode: mode, reception: frames)
        frames.open(stream)
        return stream
    }

    /// What the client has received: the latest frame, the first since the
    /// last reset, and the merged current frame. Kept from the moment the
    /// client connects, with or without a stream.
    public var frameHistory: FrameHistory {
        frames.history
    }

    /// The frame received last, with its index; nil before any.
    public var latestFrame: ReceivedFrame? {
        frameHistory.latest
    }

    /// The first frame received since the last reset; nil before any.
    public var firstFrame: Frame? {
        frameHistory.first
    }

    /// Every frame received since the last reset, merged: the simulation as
    /// this client knows it. Empty before any frame.
    public var currentFrame: Frame {
        frameHistory.current
    }

    /// Publishes a frame through the server, which numbers it itself (a
    /// reset stays 0, then 1, 2, ...) and sends it to every subscriber,
    /// this client included. `index` 0 is a reset: a new simulation or
    /// topology, starting the merged frame afresh; any other index adds to
    /// the frame as it stands.
    ///
    /// - Throws: `NanoverValueError` for a value nested too deeply (nothing
    ///   is sent); ``NanoverWebSocketClientError`` if the client is closed
    ///   or the connection has ended.
    public func publishFrame(_ frame: Frame, index: UInt32) async throws {
        try frame.values.validate()
        try await send(OutgoingMessage.frame(index: index, frame))
    }
}
