import Hummingbird
import NIOCore
import TradewatchAuth
import TradewatchIngest

extension IngestController {
    /// Refuses a line-protocol body with too many lines or a line too long, before parsing.
    func checkLines(_ body: ByteBuffer) throws {
        let violation = body.withUnsafeReadableBytes { bytes in
            LineLimits.check(bytes, maxLines: limits.maxLines, maxLineBytes: limits.maxLineBytes)
        }
        guard let violation else { return }
        metrics.countRequestLimit(LineLimits.limit(violation))
        throw LineLimits.error(violation)
    }

    /// Charges a parsed write's rows to its client's rows budget. Refused, the request gets a
    /// `429` and stores nothing. Admitted, the status of the rows budget is returned for the
    /// `RateLimit-*` headers (those of the write-request budget replace them when it is on).
    func chargeRows(
        _ rows: Int, request: Request, context: TradewatchRequestContext
    ) -> (refused: Response?, status: RateLimitStatus?) {
        guard let rateLimiter, rows > 0 else { return (nil, nil) }
        switch rateLimiter.chargeRows(context.rateLimitIdentity, rows: rows) {
        case .allowed(let status):
            return (nil, status)
        case .refused(let refusal):
            metrics.countRateLimited(refusal.budget)
            let response = RateLimitResponse.make(
                refusal, identity: context.rateLimitIdentityDescription, request: request,
                correlationID: context.correlationID)
            return (response, nil)
        }
    }
}
