import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket

extension HTTPServerBuilder {
    /// HTTP/1 with WebSocket upgrade, as `.http1WebSocketUpgrade(webSocketRouter:configuration:)`
    /// builds it, with the connection limits around it (``GuardedServerChannel``) and the
    /// parser's header limits set to ``ConnectionLimits/maxHeaderBytes``.
    static func guardedHTTP1WebSocketUpgrade(
        webSocketRouter: Router<LiveRequestContext>, webSocket: WebSocketServerConfiguration, limits: ConnectionLimits,
        metrics: ServerMetrics
    ) -> HTTPServerBuilder {
        let webSocketResponder = webSocketRouter.buildResponder()
        let connections = OpenConnections(limit: limits.maxConnections)
        let http1 = HTTP1Channel.Configuration(
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes, maxHeaderFieldCount: 1000))
        return HTTPServerBuilder { responder in
            GuardedServerChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder,
                    configuration: .init(http1: http1, ws: webSocket)),
                limits: limits, connections: connections, countLimit: { metrics.countRequestLimit($0) })
        }
    }
}
