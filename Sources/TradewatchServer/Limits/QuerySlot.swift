import Synchronization
import TradewatchAuth

/// A running query's place among its client's; given back once, when the answer is sent, or
/// when the answer is dropped unsent.
final class QuerySlot: Sendable {
    private let limiter: RateLimiter
    private let identity: RateLimitIdentity
    private let released = Atomic(false)

    init(limiter: RateLimiter, identity: RateLimitIdentity) {
        self.limiter = limiter
        self.identity = identity
    }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        limiter.finishQuery(identity)
    }

    deinit { release() }
}
