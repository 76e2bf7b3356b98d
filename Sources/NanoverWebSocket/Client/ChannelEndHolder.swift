import NIOCore

/// Holds back the end of a client's connection (`channelInactive`) until the
/// WebSocket upgrade has passed on the bytes that came with its 101.
///
/// NIO's client upgrade handler keeps what arrives after the 101 while it
/// rebuilds the pipeline, but lets the connection's end through at once. A
/// server that sends a message and hangs up straight after its 101 thus ended
/// the channel's message stream before the message was handed to it, and the
/// message was lost. Placed first in the pipeline, this handler lets the end
/// through only once ``release(_:)`` is called, after the upgrade handler
/// has handed on what it kept; then it removes itself.
final class ChannelEndHolder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var context: ChannelHandlerContext?
    private var released = false
    private var endHeld = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if released {
            context.fireChannelInactive()
        } else {
            endHeld = true
        }
    }

    /// Lets the connection's end through from now on (at once, if it has
    /// come), and leaves the pipeline. Call on the channel's event loop.
    func release() {
        guard !released, let context else { return }
        released = true
        if endHeld {
            context.fireChannelInactive()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
