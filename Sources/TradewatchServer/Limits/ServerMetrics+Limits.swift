import Metrics
import TradewatchAuth

extension ServerMetrics {
    /// Counts a request refused by a rate limit, by the budget that ran out.
    func countRateLimited(_ budget: RateLimitBudget) {
        handles.counter("tradewatch.rate.limited.total", [("budget", budget.rawValue)]).increment()
    }

    /// Counts a request or connection stopped by a request limit.
    func countRequestLimit(_ limit: RequestLimit) {
        handles.counter("tradewatch.request.limit.total", [("limit", limit.rawValue)]).increment()
    }
}
