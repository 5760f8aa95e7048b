extension TradewatchRecorder {
    /// Exponential backoff with jitter between attempts to send the same request.
    ///
    /// After the n-th failed attempt the recorder waits a random time between half and all of
    /// `min(maximum, base × 2^(n-1))`, so that many clients failing together do not retry in
    /// step. A `Retry-After` header (seconds, up to 5 minutes) is honoured as the shortest wait.
    public struct RetryBackoff: Sendable, Hashable {
        public var base: Duration
        public var maximum: Duration

        public init(base: Duration = .milliseconds(100), maximum: Duration = .seconds(30)) {
            self.base = base
            self.maximum = maximum
        }

        /// How long to wait after `failures` failed attempts (1 or more).
        func delay(
            afterFailures failures: Int, retryAfter: Duration? = nil,
            using generator: inout some RandomNumberGenerator
        ) -> Duration {
            let doublings = min(max(failures - 1, 0), 40)
            let ceiling = min(base.nanoseconds * pow2(doublings), maximum.nanoseconds)
            let jittered = ceiling > 1 ? Double.random(in: ceiling / 2...ceiling, using: &generator) : max(ceiling, 0)
            let wait = max(jittered, min(retryAfter?.nanoseconds ?? 0, Self.longestRetryAfter.nanoseconds))
            return .nanoseconds(Int64(min(wait, 9e18)))
        }

        func delay(afterFailures failures: Int, retryAfter: Duration? = nil) -> Duration {
            var generator = SystemRandomNumberGenerator()
            return delay(afterFailures: failures, retryAfter: retryAfter, using: &generator)
        }

        static let longestRetryAfter = Duration.seconds(300)

        private func pow2(_ exponent: Int) -> Double { Double(sign: .plus, exponent: exponent, significand: 1) }
    }
}

extension Duration {
    /// The duration in nanoseconds, as a double (exact enough for waits and timeouts).
    var nanoseconds: Double {
        Double(components.seconds) * 1e9 + Double(components.attoseconds) / 1e9
    }
}
