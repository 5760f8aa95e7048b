import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TradewatchAuth
import TradewatchCore

/// The `429 Too Many Requests` answer of a refused request: `Retry-After` and `RateLimit-*`
/// headers, and a body naming the budget that ran out, its terms and whose it is: a problem
/// document, or InfluxDB's `{"code":"too many requests","message":"…"}` on the InfluxDB routes.
enum RateLimitResponse {
    static func make(
        _ refusal: RateLimitDecision.Refusal, identity: String, request: Request, correlationID: String
    ) -> Response {
        var headers = HTTPFields()
        headers[.retryAfter] = String(refusal.retryAfterSeconds)
        RateLimitHeaders.set(refusal.status, on: &headers)
        let message = message(refusal, identity: identity)
        var body: String
        if RouteAccess.speaksInflux(request.uri.path) {
            headers[.contentType] = "application/json; charset=utf-8"
            body = #"{"code":"too many requests","message":"#
            LabelsWriter.appendQuoted(message, to: &body)
        } else {
            headers[.contentType] = "application/problem+json"
            body = #"{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"#
            LabelsWriter.appendQuoted(message, to: &body)
            body += #","correlation_id":"#
            LabelsWriter.appendQuoted(correlationID, to: &body)
        }
        body += #","budget":"\#(refusal.budget.rawValue)","retry_after":\#(refusal.retryAfterSeconds)}"#
        return Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `query rate limit of API key "ci" exceeded (5/s, burst 5); retry in 1 s`.
    static func message(_ refusal: RateLimitDecision.Refusal, identity: String) -> String {
        let what =
            switch refusal.budget {
            case .queries: "query rate limit"
            case .concurrentQueries: "concurrent query limit"
            case .writes: "write rate limit"
            case .writeRows: "written rows limit"
            }
        return "\(what) of \(identity) exceeded (\(refusal.terms)); retry in \(refusal.retryAfterSeconds) s"
    }
}
