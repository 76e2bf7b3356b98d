import NanoverCore
import Synchronization

/// What a 2026 client does with the frames it receives: keeps the history
/// (latest, first since the last reset, merged current) and hands each
/// frame to the frame streams open.
final class FrameReception: Sendable {
    private struct State {
        var history = FrameHistory()
        /// Streams, held weakly: a stream nobody holds is forgotten.
        var streams: [ObjectIdentifier: WeakFrameStream] = [:]
        /// Set once the connection has ended: nil error for a normal end.
        var ending: Result<Void, any Error>?
    }

    private let state = Mutex(State())

    var history: FrameHistory {
        state.withLock { $0.history }
    }

    /// Takes a frame into the history, then into every stream open.
    func receive(_ frame: ReceivedFrame) {
        let buffers = state.withLock { state in
            state.history.receive(frame)
            return state.streams.values.compactMap(\.stream?.buffer)
        }
        // One task receives, so frames reach each buffer in order.
        for buffer in buffers { buffer.push(frame) }
    }

    /// Opens `stream`: it begins with the frame as it stands (every frame
    /// since the last reset, merged, as index 0: what a new connection is
    /// sent first), if any has come.
    func open(_ stream: WebSocketFrameStream) {
        let ended = state.withLock { state -> Result<Void, any Error>? in
            if state.history.latest != nil {
                stream.buffer.push(ReceivedFrame(index: 0, frame: state.history.current))
            }
            if let ending = state.ending { return ending }
            state.streams = state.streams.filter { $0.value.stream != nil }
            state.streams[ObjectIdentifier(stream)] = WeakFrameStream(stream: stream)
            return nil
        }
        if case .failure(let error)? = ended {
            stream.buffer.finish(throwing: error)
        } else if ended != nil {
            stream.buffer.finish()
        }
    }

    func close(_ stream: WebSocketFrameStream) {
        _ = state.withLock { $0.streams.removeValue(forKey: ObjectIdentifier(stream)) }
    }

    /// Ends every stream once what it holds has been read: with `error`
    /// when given.
    func end(throwing error: (any Error)?) {
        let buffers = state.withLock { state in
            if state.ending == nil {
                state.ending = error.map { .failure($0) } ?? .success(())
            }
            defer { state.streams = [:] }
            return state.streams.values.compactMap(\.stream?.buffer)
        }
        for buffer in buffers { buffer.finish(throwing: error) }
    }
}

/// A frame stream, held without keeping it alive.
private struct WeakFrameStream {
    weak var stream: WebSocketFrameStream?
}
