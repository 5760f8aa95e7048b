import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import ServiceLifecycle
import Synchronization
import TradewatchIngest
import TradewatchLive
import TradewatchQuery

/// `GET /api/v1/stream`: the live stream over WebSocket. A client subscribes to tables with
/// filters and receives every committed row that matches, coalesced by the hub; it can resume
/// from a commit (rows it missed are replayed from the store first) and ask for a snapshot of
/// the latest values. A bad message is answered with an error and the connection stays open.
struct StreamController: Sendable {
    let hub: LiveHub
    let reader: LiveStoreReader
    let writer: BatchWriter
    let latest: LatestValues
    let configuration: LiveConfiguration
    /// Largest WebSocket frame read or written; messages above ``LiveConfiguration/maxMessageBytes``
    /// but within it get an error, larger ones close the connection (1009).
    let maxFrameBytes: Int

    static let path = "/api/v1/stream"

    /// The upgrade route, on the router that decides WebSocket upgrades.
    func addRoutes(to router: Router<LiveRequestContext>) {
        router.ws(RouterPath(Self.path)) { inbound, outbound, context in
            await serve(inbound: inbound, outbound: outbound, channel: context.requestContext.channel)
        }
    }

    /// A plain GET (no upgrade) is told how to connect.
    func addHTTPRoutes(to router: Router<TradewatchRequestContext>) {
        router.get(RouterPath(Self.path)) { _, context in
            var headers = HTTPFields()
            headers[.upgrade] = "websocket"
            return ProblemResponse.make(
                status: .upgradeRequired,
                detail: "\(Self.path) is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)",
                correlationID: context.correlationID, headers: headers)
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel) async {
        let connection: LiveConnection
        do {
            connection = try hub.connect()
        } catch {
            try? await write(LiveReply.error(error.message, id: nil), to: outbound)
            try? await outbound.close(.unknown(1013), reason: "too many live connections")
            return
        }
        let shuttingDown = ShutdownFlag()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Frames end when the connection closes, the hub shuts down, or the client
                    // stayed stuck past the timeout (the hub dropped it).
                    do {
                        for await frame in connection.frames { try await write(frame, to: outbound) }
                    } catch {
                        connection.close()
                        return
                    }
                    guard !Task.isCancelled else { return }
                    if shuttingDown.value.load(ordering: .relaxed) {
                        try? await outbound.close(.goingAway, reason: "server shutting down")
                    } else {
                        try? await outbound.close(.policyViolation, reason: "the client did not keep up with its frames")
                    }
                }
                var session = LiveSession()
                do {
                    for try await message in inbound.messages(maxSize: maxFrameBytes) {
                        await handle(message, connection: connection, session: &session)
                    }
                } catch {
                    // The client went away or broke the protocol; the connection closes below.
                }
                connection.close()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            // The WebSocket library closes with 1000 on graceful shutdown; the close frame
            // written here first, straight to the channel, tells clients the server is going
            // away (1001) so they reconnect elsewhere or later.
            shuttingDown.value.store(true, ordering: .relaxed)
            var reason = channel.allocator.buffer(capacity: 32)
            reason.write(webSocketErrorCode: .goingAway)
            reason.writeString("server shutting down")
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: reason), promise: nil)
            connection.close()
        }
    }

    /// Set once the server starts shutting down: the connection then closes with 1001.
    private final class ShutdownFlag: Sendable {
        let value = Atomic(false)
    }

    /// Subscriptions of one connection, as the client named them.
    struct LiveSession {
        var subscriptions: [String: LiveSubscription] = [:]
    }

    private func handle(_ message: WebSocketMessage, connection: LiveConnection, session: inout LiveSession) async {
        guard case .text(let text) = message else {
            return connection.send(LiveReply.error("messages must be JSON text, not binary", id: nil))
        }
        do {
            switch try LiveClientMessage.parse(text, maxBytes: configuration.maxMessageBytes) {
            case .subscribe(let subscription, let fromCommit):
                try await subscribe(subscription, from: fromCommit, connection: connection, session: &session)
            case .unsubscribe(let id):
                do {
                    try connection.unsubscribe(id: id)
                } catch {
                    throw LiveProtocolError(error.message, id: id)
                }
                session.subscriptions[id] = nil
                connection.send(LiveReply.unsubscribed(id))
            case .snapshot(let id):
                guard let subscription = session.subscriptions[id] else {
                    throw LiveProtocolError("no subscription has id \(id); subscribe first, then ask for its snapshot", id: id)
                }
                connection.send(LiveReply.snapshot(id, rows: try await snapshot(subscription)))
            }
        } catch let error as LiveProtocolError {
            connection.send(LiveReply.error(error.message, id: error.id))
        } catch {
            connection.send(LiveReply.error("the request failed: \(error)", id: nil))
        }
    }

    private func subscribe(
        _ subscription: LiveSubscription, from fromCommit: Int64?, connection: LiveConnection, session: inout LiveSession
    ) async throws {
        let id = subscription.id
        guard session.subscriptions[id] == nil else {
            throw LiveProtocolError("id \(id) is already subscribed; unsubscribe it first or choose another id", id: id)
        }
        guard let fromCommit else {
            do {
                try connection.subscribe(subscription)
            } catch {
                throw LiveProtocolError(error.message, id: id)
            }
            session.subscriptions[id] = subscription
            return connection.send(LiveReply.subscribed(id))
        }
        // Held first, so every commit after `through` reaches the hub for this subscription;
        // `through` is read before the replay, so every commit up to it is in the store.
        do {
            try connection.subscribe(subscription, hold: true)
        } catch {
            throw LiveProtocolError(error.message, id: id)
        }
        let through = writer.lastCommitted
        do {
            let plan = try await reader.plan(subscription, after: fromCommit, through: through)
            session.subscriptions[id] = subscription
            connection.send(LiveReply.subscribed(id, through: through))
            try await reader.replay(plan) { page in
                connection.send(LiveReply.rows(id, commit: page.commit, rows: page.rows))
            }
        } catch {
            session.subscriptions[id] = nil
            try? connection.unsubscribe(id: id)
            throw error as? LiveProtocolError ?? LiveProtocolError("replaying from commit \(fromCommit) failed: \(error)", id: id)
        }
        connection.releaseHold(id: id, replayedThrough: through)
    }

    /// Writes one JSON text message, in frames of at most ``maxFrameBytes``.
    private func write(_ bytes: [UInt8], to outbound: WebSocketOutboundWriter) async throws {
        var buffer = ByteBuffer(bytes: bytes)
        var opcode = WebSocketOpcode.text
        while buffer.readableBytes > maxFrameBytes {
            let slice = buffer.readSlice(length: maxFrameBytes)!
            try await outbound.write(.custom(WebSocketFrame(fin: false, opcode: opcode, data: slice)))
            opcode = .continuation
        }
        try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: opcode, data: buffer)))
    }
}
