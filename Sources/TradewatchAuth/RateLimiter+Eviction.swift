extension RateLimiter.State {
    func policy(for identity: RateLimitIdentity) -> RateLimitPolicy {
        global.applying(identity.keyID.flatMap { keyLimits[$0] })
    }

    /// Forgets idle entries (see ``RateLimitEntry/isIdle(policy:now:)``) once per interval.
    mutating func sweepIfDue(now: ContinuousClock.Instant, interval: Duration) {
        guard now - lastSweep >= interval else { return }
        lastSweep = now
        removeIdle(now: now)
    }

    mutating func removeIdle(now: ContinuousClock.Instant) {
        entries = entries.filter { identity, entry in !entry.isIdle(policy: policy(for: identity), now: now) }
    }

    /// Brings the count under `limit`: idle entries first, then the least recently used until a
    /// tenth of the room is free again. Entries with queries running are kept (their count must
    /// survive until the queries end); so is `keeping`, the entry just made.
    mutating func evict(downTo limit: Int, keeping: RateLimitIdentity, now: ContinuousClock.Instant) {
        removeIdle(now: now)
        guard entries.count > limit else { return }
        let target = limit - limit / 10
        let candidates = entries.filter { $0.key != keeping && $0.value.queriesRunning == 0 }
            .sorted { $0.value.lastUsed < $1.value.lastUsed }
        for (identity, _) in candidates.prefix(max(0, entries.count - target)) {
            entries[identity] = nil
        }
    }
}
