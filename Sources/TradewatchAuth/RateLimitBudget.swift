/// The separate budgets a client draws on; the raw value is the `budget` label of
/// `tradewatch_rate_limited_total` and the name 429 answers give.
public enum RateLimitBudget: String, Sendable, CaseIterable {
    /// Query requests per second (history, aggregates, candles, SQL, latest values).
    case queries
    /// Queries being answered at the same time.
    case concurrentQueries = "concurrent_queries"
    /// Write requests per second.
    case writes
    /// Rows written per second, counted after parsing.
    case writeRows = "write_rows"
}
