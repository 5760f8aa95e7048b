/// What the limiter remembers about one client: its buckets (made full on first use) and the
/// queries it has running.
struct RateLimitEntry: Sendable {
    var queries: RateLimitBucket?
    var writes: RateLimitBucket?
    var writeRows: RateLimitBucket?
    var queriesRunning = 0
    var lastUsed: ContinuousClock.Instant

    init(now: ContinuousClock.Instant) {
        lastUsed = now
    }

    /// Whether forgetting this entry changes nothing: no query running and every bucket full,
    /// so a new entry would behave the same.
    func isIdle(policy: RateLimitPolicy, now: ContinuousClock.Instant) -> Bool {
        guard queriesRunning == 0 else { return false }
        return Self.isFull(queries, policy.queries, now) && Self.isFull(writes, policy.writes, now)
            && Self.isFull(writeRows, policy.writeRows, now)
    }

    private static func isFull(_ bucket: RateLimitBucket?, _ rate: RateLimitRate?, _ now: ContinuousClock.Instant) -> Bool {
        guard let bucket, let rate else { return true }
        return bucket.isFull(rate: rate, now: now)
    }
}
