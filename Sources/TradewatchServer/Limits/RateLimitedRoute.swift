import HTTPTypes
import TradewatchCore

/// Which budget a request draws on, decided from its method and path before routing.
enum RateLimitedRoute: Equatable {
    /// History, aggregates, candles, latest values, execution quality, the running-query list
    /// and SQL: every `GET`/`HEAD` under `/api/` (but the pings) and `POST /api/v1/query`.
    case query
    /// `GET`/`HEAD` of `/api/v1/metrics/latest` and `/api/v1/trades/latest`: answered from
    /// memory at once, so they draw on the query bucket but take no place among running queries.
    case memoryQuery
    /// `/write`, `/api/v2/write` and `POST /api/v1/<table>`.
    case write

    static let writePaths: Set<String> = Set(["/write", "/api/v2/write"]).union(
        AnalyticsTable.allCases.map { "/api/v1/\($0.rawValue)" })

    static let memoryPaths: Set<String> = ["/api/v1/metrics/latest", "/api/v1/trades/latest"]

    /// `nil` for routes no rate limit applies to: health, readiness, pings, metrics, documents,
    /// the dashboard, cancelling a query.
    init?(method: HTTPRequest.Method, path: String) {
        let path = RouteAccess.normalized(path)
        if method == .post, Self.writePaths.contains(path) {
            self = .write
        } else if method == .post, path == "/api/v1/query" {
            self = .query
        } else if method == .get || method == .head, Self.memoryPaths.contains(path) {
            self = .memoryQuery
        } else if method == .get || method == .head, path.hasPrefix("/api/"), !path.hasSuffix("/ping") {
            self = .query
        } else {
            return nil
        }
    }
}
