import Hummingbird
import TradewatchAuth

/// Holds query and write requests to their client's budgets (``RateLimiter``), after
/// authentication so that a valid API key is the client. A refused request gets
/// ``RateLimitResponse`` (429) and is never handled; an admitted one carries `RateLimit-*`
/// headers for the budget it drew on. A query keeps its place among the client's running
/// queries until its answer has been sent, streamed answers included.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = TradewatchRequestContext
    let limiter: RateLimiter
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let route = RateLimitedRoute(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let identity = context.rateLimitIdentity
        let decision: RateLimitDecision
        var tookPlace = false
        switch route {
        case .query: (decision, tookPlace) = limiter.admitQueryTakingPlace(identity)
        case .memoryQuery: decision = limiter.admitMemoryQuery(identity)
        case .write: decision = limiter.admitWrite(identity)
        }
        let status: RateLimitStatus?
        switch decision {
        case .allowed(let allowed):
            status = allowed
        case .refused(let refusal):
            metrics.countRateLimited(refusal.budget)
            return RateLimitResponse.make(
                refusal, identity: context.rateLimitIdentityDescription, request: request,
                correlationID: context.correlationID)
        }
        // Only a query holding a place among its client's running ones needs to know when its
        // answer has been sent: wrapping the body costs every other answer a streamed write.
        guard tookPlace else {
            var response = try await next(request, context)
            if let status { RateLimitHeaders.set(status, on: &response.headers) }
            return response
        }
        let slot = QuerySlot(limiter: limiter, identity: identity)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            slot.release()
            throw error
        }
        if let status { RateLimitHeaders.set(status, on: &response.headers) }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            defer { slot.release() }
            try await body.write(writer)
        }
        return response
    }
}
