import Metrics
import TradewatchAuth

extension ServerMetrics {
    /// Counts a request refused by a rate limit, by the budget that ran out.
    func countRateLimited(_ budget: RateLimitBudget) {
        Counter(label: "tradewatch.rate.limited.total", dimensions: [("budget", budget.rawValue)], factory: factory)
            .increment()
    }

    /// Counts a request or connection stopped by a request limit.
    func countRequestLimit(_ limit: RequestLimit) {
        Counter(label: "tradewatch.request.limit.total", dimensions: [("limit", limit.rawValue)], factory: factory)
            .increment()
    }
}
