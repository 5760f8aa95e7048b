import Synchronization
public import TradewatchStorage

/// Token buckets per client (API key, else address) for the separate budgets of
/// ``RateLimitPolicy``: query requests, queries at once, write requests and written rows.
///
/// Memory is bounded: an entry whose buckets have refilled completely and that runs no query
/// behaves exactly like a new one, so a sweep every ``Configuration/sweepInterval`` forgets it;
/// and at most ``Configuration/maxClients`` entries are kept: past that the idle ones go first,
/// then the least recently used tenth (a client forgotten while its bucket was not full starts
/// again with a full one: the only way the cap can favour anyone).
///
/// Thread safety: `Sendable`; one lock, held for a few dictionary operations per request.
public final class RateLimiter: Sendable {
    public struct Configuration: Sendable {
        public var maxClients: Int
        public var sweepInterval: Duration

        public init(maxClients: Int = 100_000, sweepInterval: Duration = .seconds(10)) {
            self.maxClients = maxClients
            self.sweepInterval = sweepInterval
        }
    }

    struct State: Sendable {
        var global: RateLimitPolicy
        var keyLimits: [String: APIKeyRateLimits] = [:]
        var entries: [RateLimitIdentity: RateLimitEntry] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    let configuration: Configuration
    let state: Mutex<State>

    public init(policy: RateLimitPolicy, configuration: Configuration = .init(), now: ContinuousClock.Instant = .now) {
        self.configuration = configuration
        state = Mutex(State(global: policy, lastSweep: now))
    }

    /// The server's own limits.
    public var globalPolicy: RateLimitPolicy { state.withLock { $0.global } }

    /// Clients remembered now.
    public var trackedClients: Int { state.withLock { $0.entries.count } }

    /// Replaces the per-key limits (all of them, as stored); they apply from the next request.
    public func setKeyLimits(_ limits: [APIKeyRateLimits]) {
        let byKey = Dictionary(limits.map { ($0.keyID, $0) }, uniquingKeysWith: { $1 })
        state.withLock { $0.keyLimits = byKey }
    }

    /// The limits `identity` gets.
    public func policy(for identity: RateLimitIdentity) -> RateLimitPolicy {
        state.withLock { $0.policy(for: identity) }
    }

    /// Admits a query unless the client has too many running or its query bucket is empty. An
    /// admitted query counts as running until ``finishQuery(_:)``.
    public func admitQuery(_ identity: RateLimitIdentity, now: ContinuousClock.Instant = .now) -> RateLimitDecision {
        admitQueryTakingPlace(identity, now: now).decision
    }

    /// ``admitQuery(_:now:)``, also saying whether the query took a place among the client's
    /// running queries: only when its limits bound them. Without a place there is nothing for
    /// ``finishQuery(_:)`` to give back, so the caller need not track the answer's end.
    public func admitQueryTakingPlace(
        _ identity: RateLimitIdentity, now: ContinuousClock.Instant = .now
    ) -> (decision: RateLimitDecision, tookPlace: Bool) {
        update(identity, now: now) { entry, policy in
            if let most = policy.maxConcurrentQueries, entry.queriesRunning >= most {
                let refusal = RateLimitDecision.refused(.init(
                    budget: .concurrentQueries, status: .init(limit: most, remaining: 0, resetSeconds: 1),
                    retryAfterSeconds: 1, terms: "\(most) at once"))
                return (refusal, false)
            }
            let decision = Self.take(1, from: &entry.queries, rate: policy.queries, budget: .queries, now: now)
            let takesPlace = decision.isAllowed && policy.maxConcurrentQueries != nil
            if takesPlace { entry.queriesRunning += 1 }
            return (decision, takesPlace)
        }
    }

    /// Admits a request answered from memory at once (latest values): it draws on the query
    /// bucket like any query, but takes no place among the client's running queries and is not
    /// refused for them.
    public func admitMemoryQuery(_ identity: RateLimitIdentity, now: ContinuousClock.Instant = .now) -> RateLimitDecision {
        update(identity, now: now) { entry, policy in
            Self.take(1, from: &entry.queries, rate: policy.queries, budget: .queries, now: now)
        }
    }

    /// Ends a query ``admitQuery(_:now:)`` admitted.
    public func finishQuery(_ identity: RateLimitIdentity) {
        state.withLock { state in
            guard var entry = state.entries[identity], entry.queriesRunning > 0 else { return }
            entry.queriesRunning -= 1
            state.entries[identity] = entry
        }
    }

    /// Admits a write request unless the client's write bucket is empty.
    public func admitWrite(_ identity: RateLimitIdentity, now: ContinuousClock.Instant = .now) -> RateLimitDecision {
        update(identity, now: now) { entry, policy in
            Self.take(1, from: &entry.writes, rate: policy.writes, budget: .writes, now: now)
        }
    }

    /// Charges the rows of a parsed write before it is committed; refused, nothing is charged.
    public func chargeRows(
        _ identity: RateLimitIdentity, rows: Int, now: ContinuousClock.Instant = .now
    ) -> RateLimitDecision {
        update(identity, now: now) { entry, policy in
            Self.take(Double(rows), from: &entry.writeRows, rate: policy.writeRows, budget: .writeRows, now: now)
        }
    }

    private func update<Result>(
        _ identity: RateLimitIdentity, now: ContinuousClock.Instant,
        _ body: (inout RateLimitEntry, RateLimitPolicy) -> Result
    ) -> Result {
        state.withLock { state in
            let policy = state.policy(for: identity)
            state.sweepIfDue(now: now, interval: configuration.sweepInterval)
            var entry = state.entries[identity] ?? RateLimitEntry(now: now)
            let isNew = state.entries[identity] == nil
            entry.lastUsed = now
            let decision = body(&entry, policy)
            state.entries[identity] = entry
            if isNew, state.entries.count > configuration.maxClients {
                state.evict(downTo: configuration.maxClients, keeping: identity, now: now)
            }
            return decision
        }
    }

    static func take(
        _ cost: Double, from bucket: inout RateLimitBucket?, rate: RateLimitRate?, budget: RateLimitBudget,
        now: ContinuousClock.Instant
    ) -> RateLimitDecision {
        guard let rate else { return .allowed(nil) }
        var current = bucket ?? RateLimitBucket(rate: rate, now: now)
        defer { bucket = current }
        switch current.take(cost, rate: rate, now: now) {
        case .taken:
            return .allowed(current.status(rate: rate, now: now))
        case .refused(let retryAfter):
            return .refused(.init(
                budget: budget, status: current.status(rate: rate, now: now),
                retryAfterSeconds: retryAfter.retryAfterSeconds, terms: rate.description))
        }
    }
}
