import HTTPTypes
import TradewatchAuth

/// The `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` fields (IETF httpapi
/// draft): the bucket's size, the requests (or rows) left in it, and the seconds until it is full.
enum RateLimitHeaders {
    static let limit = HTTPField.Name("RateLimit-Limit")!
    static let remaining = HTTPField.Name("RateLimit-Remaining")!
    static let reset = HTTPField.Name("RateLimit-Reset")!

    static func set(_ status: RateLimitStatus, on headers: inout HTTPFields) {
        headers[limit] = String(status.limit)
        headers[remaining] = String(status.remaining)
        headers[reset] = String(status.resetSeconds)
    }
}
