/// One token bucket: it starts full, refills continuously at the rate, and never holds more
/// than the burst.
///
/// A cost up to the burst passes when that many tokens are there. A cost above the burst (a
/// write of more rows than one bucket holds) passes only when the bucket is full, and leaves it
/// in debt: the tokens go negative and later requests wait until the debt is paid, so the
/// average rate still holds while batches of any size get through.
public struct RateLimitBucket: Sendable, Equatable {
    public private(set) var tokens: Double
    private var updatedAt: ContinuousClock.Instant

    /// Slack for floating-point refills: 0.2 s at 5/s must give one whole token.
    static let epsilon = 1e-9

    /// A full bucket.
    public init(rate: RateLimitRate, now: ContinuousClock.Instant) {
        tokens = rate.burst
        updatedAt = now
    }

    public enum Outcome: Sendable, Equatable {
        case taken
        /// Not enough tokens; the request would pass after this long.
        case refused(retryAfter: Duration)
    }

    /// Takes `cost` tokens if the bucket holds them (see the type's note for costs above the burst).
    public mutating func take(_ cost: Double, rate: RateLimitRate, now: ContinuousClock.Instant) -> Outcome {
        refill(rate: rate, now: now)
        let needed = min(cost, rate.burst)
        if tokens + Self.epsilon >= needed {
            tokens -= cost
            return .taken
        }
        return .refused(retryAfter: Self.duration(seconds: (needed - tokens) / rate.perSecond))
    }

    /// Whether the bucket is full: then it behaves exactly like a new one and may be forgotten.
    public func isFull(rate: RateLimitRate, now: ContinuousClock.Instant) -> Bool {
        var copy = self
        copy.refill(rate: rate, now: now)
        return copy.tokens + Self.epsilon >= rate.burst
    }

    /// The bucket as `RateLimit-*` headers describe it, at `now`.
    public func status(rate: RateLimitRate, now: ContinuousClock.Instant) -> RateLimitStatus {
        var copy = self
        copy.refill(rate: rate, now: now)
        let missing = max(0, rate.burst - copy.tokens)
        return RateLimitStatus(
            limit: Int(rate.burst.rounded(.down)),
            remaining: Int(max(0, copy.tokens + Self.epsilon).rounded(.down)),
            resetSeconds: missing <= Self.epsilon ? 0 : Int((missing / rate.perSecond - Self.epsilon).rounded(.up)))
    }

    private mutating func refill(rate: RateLimitRate, now: ContinuousClock.Instant) {
        guard now > updatedAt else { return }
        let elapsed = now - updatedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(rate.burst, tokens + seconds * rate.perSecond)
        updatedAt = now
    }

    static func duration(seconds: Double) -> Duration {
        .nanoseconds(Int64((max(0, seconds) * 1e9).rounded(.up)))
    }
}

extension Duration {
    /// Whole seconds, rounded up, at least 1: what `Retry-After` says.
    public var retryAfterSeconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
