import Hummingbird
import Logging
import Metrics
import TradewatchAuth

/// Checks the API key of every request that needs one (see ``AuthCheck``) and refuses with
/// `401` (no key, key not recognised, key revoked) or `403` (the key lacks the route's scope).
/// Runs right after ``RequestLoggingMiddleware``, so refusals carry the correlation id and are
/// logged and counted like any answer. The accepted key's id and name go into the context
/// (``TradewatchRequestContext/apiKeyID``), and so into the access line.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TradewatchRequestContext

    let check: AuthCheck
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch try await check.decide(request) {
        case .allow(nil):
            return try await next(request, context)
        case .allow(let key?):
            var context = context
            context.apiKeyID = key.id
            context.apiKeyName = key.name
            context.logger[metadataKey: "api_key"] = .string(key.name)
            return try await next(request, context)
        case .refuse(let refusal):
            Counter(label: "tradewatch.auth.refused.total", dimensions: [("reason", refusal.reason)], factory: metrics.factory)
                .increment()
            return refusal.response(for: request)
        }
    }
}
