import NIOCore
import NIOHTTP1

/// Right behind the HTTP parser: tells the connection's ``ConnectionGuard`` when a request has
/// been read and when its answer has been written, and answers a request head over the size
/// limit with `431` (the parser's `headerOverflow`) before closing the connection.
///
/// A WebSocket upgrade request turns it into a pass-through without looking at what goes by:
/// after the upgrade raw frames flow here, which are not HTTP parts.
final class HTTPPartObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let connectionGuard: ConnectionGuard
    let maxHeaderBytes: Int
    private var passThrough = false
    private var responding = false

    init(connectionGuard: ConnectionGuard, maxHeaderBytes: Int) {
        self.connectionGuard = connectionGuard
        self.maxHeaderBytes = maxHeaderBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !passThrough else { return context.fireChannelRead(data) }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }) {
                passThrough = true
                connectionGuard.upgrading()
            } else {
                connectionGuard.requestHeadParsed()
            }
        case .body:
            break
        case .end:
            connectionGuard.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !passThrough {
            switch unwrapOutboundIn(data) {
            case .head:
                responding = true
                connectionGuard.responseStarted()
            case .body:
                break
            case .end:
                responding = false
                connectionGuard.responseEnded()
            }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !passThrough, let parserError = error as? HTTPParserError, parserError == .headerOverflow else {
            return context.fireErrorCaught(error)
        }
        connectionGuard.countLimit(.headerSize)
        guard !responding else {
            connectionGuard.closedByLimit.set()
            return context.close(promise: nil)
        }
        var body = context.channel.allocator.buffer(capacity: 256)
        let detail =
            "the request head is too large: its target and header fields may take \(maxHeaderBytes) bytes together (--max-header-bytes), in at most 1000 fields"
        body.writeString(#"{"type":"about:blank","title":"Request Header Fields Too Large","status":431,"detail":"\#(detail)"}"#)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/problem+json")
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .requestHeaderFieldsTooLarge, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        connectionGuard.drainAndClose()
    }
}
