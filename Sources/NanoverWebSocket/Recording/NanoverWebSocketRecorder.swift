import NIOCore
import NIOPosix
import NanoverCore
import Synchronization

/// Records a NanoVer 2026 server's session (ours or another) as one of its
/// clients, as the reference's recorder does: every message the server
/// sends the connection (the whole state first, then state changes and
/// frames), stamped on arrival and handed to a sink: by default a
/// `NAME.nanover.zip` (``MessageRecordingWriter``), the messages kept as
/// the bytes they came in.
///
/// ```swift
/// let recorder = try NanoverWebSocketRecorder(path: "session.nanover.zip")
/// let outcome = try await recorder.record(from: "ws://127.0.0.1:38802")   // until cancelled or the server goes
/// ```
///
/// Cancelling the recording closes the connection normally (code 1000),
/// keeping what arrives until the server answers. A server that goes away
/// ends the recording; the file stays complete up to the last message.
public final class NanoverWebSocketRecorder: Sendable {
    /// What a recording wrote (frame messages and state messages), and why
    /// it ended.
    public typealias Outcome = RecordingOutcome

    /// Where the messages go, closed when the recording ends.
    public let sink: any ReceivedMessageSink

    /// A recorder writing to `sink`.
    public init(sink: any ReceivedMessageSink) {
        self.sink = sink
    }

    /// A recorder writing the 2026 recording `path` (`NAME.nanover.zip`),
    /// created (or emptied) now.
    ///
    /// - Throws: ``/NanoverCore/RecordingError/io(path:operation:errno:)``.
    public convenience init(path: String) throws(RecordingError) {
        self.init(sink: try MessageRecordingWriter(path: path))
    }

    /// Connects to the 2026 server at `url` and records until the calling
    /// task is cancelled or the connection ends, then closes the sink.
    ///
    /// - Parameters:
    ///   - url: `ws://HOST:PORT`, as for ``NanoverWebSocketClient/connect(to:configuration:eventLoopGroup:)``.
    ///   - configuration: The connection's limits and deadlines; its
    ///     call deadline plays no part.
    ///   - eventLoopGroup: The threads that carry the connection's I/O.
    /// - Returns: How many messages of each kind were written, and how the
    ///   connection ended if not normally.
    /// - Throws: ``NanoverWebSocketClientError`` when the server cannot be
    ///   reached; what the sink throws when it cannot write, which ends the
    ///   recording.
    public func record(
        from url: String, configuration: NanoverWebSocketClient.Configuration = NanoverWebSocketClient.Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> Outcome {
        let clock = RecordingClock()
        let progress = Mutex(Progress())
        let connected = Mutex<NanoverWebSocketClient?>(nil)
        let observer: NanoverWebSocketClient.MessageObserver = { [sink] message, bytes in
            guard progress.withLock({ $0.sinkError == nil }) else { return }
            do {
                try sink.append(Array(bytes), holding: message, at: clock.microseconds)
                progress.withLock { $0.count(message) }
            } catch {
                progress.withLock { $0.sinkError = error }
                connected.withLock { $0 }?.abort()
            }
        }
        try await closing(sink.close) {
            let client = try await NanoverWebSocketClient.connect(
                to: url, configuration: configuration, eventLoopGroup: eventLoopGroup, observer: observer)
            connected.withLock { $0 = client }
            if progress.withLock({ $0.sinkError != nil }) {
                client.abort()
            }
            let ending = await withTaskCancellationHandler {
                await client.ended()
            } onCancel: {
                client.requestClose()
            }
            try progress.withLock { (progress) throws in
                if let error = progress.sinkError { throw error }
                if !ending.isNormalEnding {
                    progress.outcome.streamError = ending
                }
            }
        }
        return progress.withLock { $0.outcome }
    }
}

/// What a recording has done so far, on the connection's reading task.
private struct Progress {
    var outcome = RecordingOutcome()
    /// What the sink threw; nothing is written after it.
    var sinkError: (any Error)?

    mutating func count(_ message: IncomingMessage) {
        if message.state != nil { outcome.stateUpdates += 1 }
        if message.frame != nil { outcome.frames += 1 }
    }
}
