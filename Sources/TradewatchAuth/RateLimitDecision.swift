/// The answer of ``RateLimiter`` to one request.
public enum RateLimitDecision: Sendable, Equatable {
    /// Go ahead. The status describes the budget drawn on, for `RateLimit-*` headers; `nil` when
    /// no limit applies.
    case allowed(RateLimitStatus?)
    /// Refused: nothing was charged.
    case refused(Refusal)

    public struct Refusal: Sendable, Equatable {
        /// The budget that ran out.
        public var budget: RateLimitBudget
        public var status: RateLimitStatus
        /// Seconds, rounded up, until the request would pass (at least 1).
        public var retryAfterSeconds: Int
        /// The budget's terms, for the message: `5/s, burst 5` or `2 at once`.
        public var terms: String
    }

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}
