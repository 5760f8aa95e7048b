public import TradewatchStorage

/// The limits one client gets: the server's (`tradewatch serve --query-rate …`), or those with
/// the overrides of its API key applied. `nil` means no limit.
public struct RateLimitPolicy: Sendable, Equatable {
    /// Query requests: 100/s with a burst of 200 unless configured.
    public var queries: RateLimitRate?
    /// Queries being answered at once: 16 unless configured. A query holds its slot until its
    /// answer is fully sent (streamed exports included).
    public var maxConcurrentQueries: Int?
    /// Write requests; off unless configured.
    public var writes: RateLimitRate?
    /// Rows written, counted after parsing; off unless configured.
    public var writeRows: RateLimitRate?

    public init(
        queries: RateLimitRate? = RateLimitRate(perSecond: 100, burst: 200), maxConcurrentQueries: Int? = 16,
        writes: RateLimitRate? = nil, writeRows: RateLimitRate? = nil
    ) {
        self.queries = queries
        self.maxConcurrentQueries = maxConcurrentQueries
        self.writes = writes
        self.writeRows = writeRows
    }

    /// No limit at all.
    public static let unlimited = RateLimitPolicy(queries: nil, maxConcurrentQueries: nil)

    /// This policy with a key's own limits put over it: a value the key sets wins (`0` turns the
    /// limit off); a query burst the key leaves unset follows its own rate (twice it) when it set
    /// one, else stays the server's.
    public func applying(_ key: APIKeyRateLimits?) -> RateLimitPolicy {
        guard let key else { return self }
        var policy = self
        if key.queryRate != nil || key.queryBurst != nil {
            let rate = key.queryRate ?? queries?.perSecond ?? 0
            let burst = key.queryBurst ?? (key.queryRate == nil ? queries?.burst : nil)
            policy.queries = rate > 0 ? RateLimitRate(perSecond: rate, burst: burst) : nil
        }
        if let concurrent = key.maxConcurrentQueries {
            policy.maxConcurrentQueries = concurrent > 0 ? concurrent : nil
        }
        if let rate = key.writeRate {
            policy.writes = rate > 0 ? RateLimitRate(perSecond: rate) : nil
        }
        if let rate = key.writeRowsRate {
            policy.writeRows = rate > 0 ? RateLimitRate(perSecond: rate) : nil
        }
        return policy
    }
}
