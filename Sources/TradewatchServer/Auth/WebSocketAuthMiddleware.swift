import Hummingbird
import HummingbirdWebSocket
import NIOWebSocket

/// Checks the key of a WebSocket handshake (`/api/v1/stream` needs `read`), on the upgrade router.
///
/// A refused upgrade would get an empty `400` from the WebSocket library, and browsers never show
/// a failed handshake's status anyway. So a refused client is upgraded and the connection closed
/// at once, before anything is streamed, with close code `4401` (no key, not recognised, revoked)
/// or `4403` (the key lacks `read`) and a reason saying which. A plain `GET` without upgrade is
/// refused by ``AuthMiddleware`` with the usual `401`/`403`.
struct WebSocketAuthMiddleware<Context: WebSocketRequestContext>: RouterMiddleware {
    let check: AuthCheck

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard case .refuse(let refusal) = try await check.decide(request) else {
            return try await next(request, context)
        }
        let refuse = WebSocketUpgradeMiddleware<Context> { _, outbound, _ in
            try await outbound.close(.unknown(refusal.closeCode), reason: refusal.closeReason)
        }
        return try await refuse.handle(request, context: context, next: next)
    }
}
