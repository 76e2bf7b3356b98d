import NanoverCore

extension NanoverClient {
    /// How often the reference client asks for the latest frames: 30 per
    /// second.
    public static let defaultFrameInterval: Duration = .seconds(1.0 / 30.0)

    /// Subscribes to every frame the server publishes (`SubscribeFrames`),
    /// at most one message per `interval`.
    ///
    /// The stream also keeps ``frameHistory`` up to date, so it may be left
    /// un-iterated; it runs until cancelled, ended by the server, or the
    /// client closes.
    @discardableResult
    public func subscribeFrames(interval: Duration = .zero) -> FrameStream {
        startFrameStream(mode: .every, interval: interval)
    }

    /// Subscribes to the latest frames (`SubscribeLatestFrames`): frames
    /// published between two messages arrive merged into one, at most one
    /// message per `interval`. See ``subscribeFrames(interval:)``.
    @discardableResult
    public func subscribeLatestFrames(interval: Duration = NanoverClient.defaultFrameInterval) -> FrameStream {
        startFrameStream(mode: .latest, interval: interval)
    }

    /// What the frame streams have received: the latest frame, the first
    /// since the last reset, and the merged current frame.
    public var frameHistory: FrameHistory {
        history.withLock { $0 }
    }

    /// The frame received last, with its index; nil before any.
    public var latestFrame: ReceivedFrame? {
        history.withLock { $0.latest }
    }

    /// The first frame received since the last reset; nil before any.
    public var firstFrame: Frame? {
        history.withLock { $0.first }
    }

    /// Every frame received since the last reset, merged: the simulation as
    /// this client knows it. Empty before any frame.
    public var currentFrame: Frame {
        history.withLock { $0.current }
    }

    func receiveFrame(_ received: ReceivedFrame) {
        history.withLock { $0.receive(received) }
    }

    private func startFrameStream(mode: FrameSubscription.Mode, interval: Duration) -> FrameStream {
        let stream = FrameStream(mode: mode, interval: interval)
        let id = ObjectIdentifier(stream)
        frameStreams.withLock { $0[id] = stream }
        stream.start(client: self) { [weak self] in
            _ = self?.frameStreams.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }
}
