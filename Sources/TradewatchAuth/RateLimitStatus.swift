/// What the `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers say about one
/// budget (IETF draft "RateLimit header fields for HTTP"): the quota, what is left of it, and the
/// seconds until it is whole again.
public struct RateLimitStatus: Sendable, Equatable {
    /// The bucket's size (the burst), or the most queries at once.
    public var limit: Int
    /// Whole tokens left (never negative).
    public var remaining: Int
    /// Seconds, rounded up, until the bucket is full again.
    public var resetSeconds: Int

    public init(limit: Int, remaining: Int, resetSeconds: Int) {
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
    }
}
