import NIOCore

/// The whole pipeline of a connection beyond ``ConnectionLimits/maxConnections``: answers `503`
/// with `Retry-After` at once, stops sending, and closes when the client does (or after two
/// seconds). Whatever the client sends is read and dropped, so that closing does not reset the
/// connection under the answer before the client has read it.
final class ConnectionRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func channelActive(context: ChannelHandlerContext) {
        let response = RawResponse.problem(
            status: 503, reason: "Service Unavailable",
            detail: "the server has \(limit) connections open, its limit (--max-connections); retry shortly",
            headers: [("retry-after", "1")])
        context.writeAndFlush(NIOAny(response)).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
