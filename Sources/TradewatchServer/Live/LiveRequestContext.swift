import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the WebSocket upgrade router: Hummingbird's storage, the handler
/// reference the upgrade needs, and the connection's channel (to close it with 1001 the moment
/// the server starts shutting down).
struct LiveRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<LiveRequestContext>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
