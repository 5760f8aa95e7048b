import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Wraps the server's child channel (HTTP/1 with WebSocket upgrade) with the connection limits:
/// a connection beyond the most allowed is answered `503` and closed without reaching HTTP;
/// every other gets the idle and read timeouts (``ConnectionTimeoutHandler`` first in its
/// pipeline, ``HTTPPartObserver`` right behind the HTTP parser, which also answers `431`).
struct GuardedServerChannel<Inner: ServerChildChannel>: ServerChildChannel {
    enum Value: ServerChildChannelValue {
        case served(Inner.Value, ClosedByLimit)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .served(let value, _): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let inner: Inner
    let limits: ConnectionLimits
    let connections: OpenConnections
    let countLimit: @Sendable (RequestLimit) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard connections.open() else {
            countLimit(.maxConnections)
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ConnectionRefusalHandler(limit: connections.limit))
                return .refused(channel)
            }
        }
        channel.closeFuture.whenComplete { [connections] _ in connections.close() }
        let limits = self.limits
        let countLimit = self.countLimit
        do {
            let connectionGuard = ConnectionGuard(limits: limits, countLimit: countLimit)
            try channel.pipeline.syncOperations.addHandler(
                ConnectionTimeoutHandler(connectionGuard: connectionGuard), position: .first)
            return inner.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
                let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                try channel.pipeline.syncOperations.addHandler(
                    HTTPPartObserver(connectionGuard: connectionGuard, maxHeaderBytes: limits.maxHeaderBytes),
                    position: .after(decoder))
                return Value.served(value, connectionGuard.closedByLimit)
            }.nonisolated()
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard case .served(let served, let closedByLimit) = value else { return }
        var logger = logger
        logger.handler = LimitClosedLogHandler(wrapped: logger.handler, closedByLimit: closedByLimit)
        await inner.handle(value: served, logger: logger)
    }
}
