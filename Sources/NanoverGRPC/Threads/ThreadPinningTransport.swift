import GRPCCore
import GRPCNIOTransportHTTP2

/// A server transport that runs each call's handler on the thread of the
/// connection carrying it.
///
/// The transport starts a call from its connection's event loop; when the
/// serving task's executor is ``ServerThreads/followingExecutor``, the
/// handler's first step runs on that loop. This wrapper then pins the
/// handler there for good, so that a subscription woken by a change made on
/// another connection still writes from its own connection's thread.
public struct ThreadPinningTransport<Inner: ListeningServerTransport>: ListeningServerTransport {
    public typealias Bytes = Inner.Bytes

    private let inner: Inner
    private let threads: ServerThreads?

    /// Wraps `inner`, whose connections must live on `threads`; with nil
    /// threads, handlers run wherever the serving task's executor puts them.
    public init(_ inner: Inner, threads: ServerThreads?) {
        self.inner = inner
        self.threads = threads
    }

    public var listeningAddress: GRPCNIOTransportCore.SocketAddress {
        get async throws { try await inner.listeningAddress }
    }

    public func configure(context: GRPCServerContext) {
        inner.configure(context: context)
    }

    public func listen(
        streamHandler: @escaping @Sendable (_ stream: RPCStream<Inbound, Outbound>, _ context: ServerContext) async -> Void
    ) async throws {
        try await inner.listen { [threads] stream, context in
            if let executor = threads?.executorOfCurrentThread() {
                await withTaskExecutorPreference(executor) {
                    await streamHandler(stream, context)
                }
            } else {
                await streamHandler(stream, context)
            }
        }
    }

    public func beginGracefulShutdown() {
        inner.beginGracefulShutdown()
    }
}
