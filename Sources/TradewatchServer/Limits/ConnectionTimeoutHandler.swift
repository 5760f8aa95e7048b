import NIOCore

/// First in the pipeline: tells the connection's ``ConnectionGuard`` when the connection opens,
/// when bytes arrive and when it closes, and lends it its context to answer and close.
final class ConnectionTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let connectionGuard: ConnectionGuard

    init(connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connectionGuard.context = context
        if context.channel.isActive { connectionGuard.connected() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionGuard.disconnected()
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionGuard.connected()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionGuard.disconnected()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !connectionGuard.isDraining else { return }
        connectionGuard.bytesReceived()
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if connectionGuard.isDraining, let event = event as? ChannelEvent, event == .inputClosed {
            return context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
