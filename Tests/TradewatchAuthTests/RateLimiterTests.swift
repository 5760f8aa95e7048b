import Foundation
import Testing
import TradewatchAuth
import TradewatchStorage

/// Budgets per client, per-key overrides and the bound on remembered clients.
@Suite struct RateLimiterTests {
    let start = ContinuousClock.now
    let alice = RateLimitIdentity.address("10.0.0.1")
    let bob = RateLimitIdentity.address("10.0.0.2")

    @Test func clientsHaveSeparateBucketsAndARefusalNamesTheBudget() throws {
        let limiter = RateLimiter(
            policy: RateLimitPolicy(queries: RateLimitRate(perSecond: 5, burst: 5), maxConcurrentQueries: nil), now: start)
        for _ in 0..<5 { #expect(limiter.admitQuery(alice, now: start).isAllowed) }
        guard case .refused(let refusal) = limiter.admitQuery(alice, now: start) else {
            Issue.record("the sixth query in the same instant passed")
            return
        }
        #expect(refusal.budget == .queries)
        #expect(refusal.retryAfterSeconds == 1)
        #expect(refusal.status == RateLimitStatus(limit: 5, remaining: 0, resetSeconds: 1))
        #expect(refusal.terms == "5/s, burst 5")
        #expect(limiter.admitQuery(bob, now: start) == .allowed(RateLimitStatus(limit: 5, remaining: 4, resetSeconds: 1)))
        #expect(limiter.admitQuery(alice, now: start + .milliseconds(200)).isAllowed)
    }

    @Test func concurrentQueriesAreCountedUntilFinished() {
        let limiter = RateLimiter(policy: RateLimitPolicy(queries: nil, maxConcurrentQueries: 2), now: start)
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
        guard case .refused(let refusal) = limiter.admitQuery(alice, now: start) else {
            Issue.record("a third query ran beside two")
            return
        }
        #expect(refusal.budget == .concurrentQueries)
        #expect(refusal.terms == "2 at once")
        #expect(limiter.admitQuery(bob, now: start).isAllowed)
        limiter.finishQuery(alice)
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
        // Finishing more than were admitted never goes below zero.
        for _ in 0..<5 { limiter.finishQuery(alice) }
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
        #expect(!limiter.admitQuery(alice, now: start).isAllowed)
    }

    /// A place is taken (and must be given back) only when the client's limits bound running
    /// queries; answers from memory draw on the query bucket but never on places.
    @Test func placesAreTakenOnlyUnderAConcurrencyLimitAndNeverByMemoryAnswers() {
        let unbounded = RateLimiter(policy: RateLimitPolicy(queries: nil, maxConcurrentQueries: nil), now: start)
        #expect(unbounded.admitQueryTakingPlace(alice, now: start) == (.allowed(nil), false))

        let bounded = RateLimiter(
            policy: RateLimitPolicy(queries: RateLimitRate(perSecond: 1, burst: 3), maxConcurrentQueries: 1), now: start)
        let first = bounded.admitQueryTakingPlace(alice, now: start)
        #expect(first.decision.isAllowed && first.tookPlace)
        #expect(bounded.admitQueryTakingPlace(alice, now: start).tookPlace == false, "refused: no place")
        // The one place is taken, yet a memory answer is admitted, and it spends a token.
        #expect(bounded.admitMemoryQuery(alice, now: start).isAllowed)
        #expect(bounded.admitMemoryQuery(alice, now: start).isAllowed)
        guard case .refused(let refusal) = bounded.admitMemoryQuery(alice, now: start) else {
            Issue.record("a memory answer past the query bucket passed")
            return
        }
        #expect(refusal.budget == .queries)
    }

    @Test func aRefusedConcurrentQueryTakesNoToken() {
        let limiter = RateLimiter(
            policy: RateLimitPolicy(queries: RateLimitRate(perSecond: 1, burst: 2), maxConcurrentQueries: 1), now: start)
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
        for _ in 0..<3 { #expect(!limiter.admitQuery(alice, now: start).isAllowed) }
        limiter.finishQuery(alice)
        #expect(limiter.admitQuery(alice, now: start).isAllowed)
    }

    @Test func writesAndRowsAreOffUnlessConfigured() {
        let limiter = RateLimiter(policy: RateLimitPolicy(), now: start)
        for _ in 0..<1000 { #expect(limiter.admitWrite(alice, now: start) == .allowed(nil)) }
        #expect(limiter.chargeRows(alice, rows: 10_000_000, now: start) == .allowed(nil))
    }

    @Test func rowsAreChargedAgainstTheirOwnBudget() {
        let limiter = RateLimiter(
            policy: RateLimitPolicy(writes: RateLimitRate(perSecond: 100), writeRows: RateLimitRate(perSecond: 100, burst: 100)),
            now: start)
        #expect(limiter.admitWrite(alice, now: start).isAllowed)
        #expect(limiter.chargeRows(alice, rows: 80, now: start).isAllowed)
        guard case .refused(let refusal) = limiter.chargeRows(alice, rows: 80, now: start) else {
            Issue.record("160 rows passed a budget of 100")
            return
        }
        #expect(refusal.budget == .writeRows)
        #expect(refusal.retryAfterSeconds == 1)
        #expect(refusal.status.remaining == 20)
        #expect(limiter.chargeRows(alice, rows: 80, now: start + .milliseconds(600)).isAllowed)
    }

    @Test func aKeysOwnLimitsWinAndZeroTurnsALimitOff() {
        let limiter = RateLimiter(policy: RateLimitPolicy(), now: start)
        let ci = RateLimitIdentity.apiKey(id: "ci")
        let open = RateLimitIdentity.apiKey(id: "open")
        limiter.setKeyLimits([
            APIKeyRateLimits(keyID: "ci", queryRate: 2, writeRowsRate: 10),
            APIKeyRateLimits(keyID: "open", queryRate: 0, maxConcurrentQueries: 0),
        ])
        #expect(limiter.policy(for: ci).queries == RateLimitRate(perSecond: 2, burst: 4))
        #expect(limiter.policy(for: ci).maxConcurrentQueries == 16)
        #expect(limiter.policy(for: ci).writeRows == RateLimitRate(perSecond: 10, burst: 20))
        #expect(limiter.policy(for: open) == RateLimitPolicy(queries: nil, maxConcurrentQueries: nil))
        #expect(limiter.policy(for: alice) == RateLimitPolicy())
        for _ in 0..<4 { #expect(limiter.admitQuery(ci, now: start).isAllowed) }
        #expect(!limiter.admitQuery(ci, now: start).isAllowed)
        for _ in 0..<1000 { #expect(limiter.admitQuery(open, now: start).isAllowed) }
    }

    @Test func aBurstAloneKeepsTheServersRate() {
        let policy = RateLimitPolicy().applying(APIKeyRateLimits(keyID: "k", queryBurst: 50))
        #expect(policy.queries == RateLimitRate(perSecond: 100, burst: 50))
    }

    @Test func pastTheCapTheLeastRecentlyUsedTenthIsForgotten() {
        let limiter = RateLimiter(
            policy: RateLimitPolicy(queries: RateLimitRate(perSecond: 1, burst: 10), maxConcurrentQueries: nil),
            configuration: .init(maxClients: 100, sweepInterval: .seconds(10)), now: start)
        for client in 0..<100 { _ = limiter.admitQuery(.address("10.1.0.\(client)"), now: start + .milliseconds(client)) }
        #expect(limiter.trackedClients == 100)
        _ = limiter.admitQuery(.address("10.2.0.0"), now: start + .milliseconds(200))
        #expect(limiter.trackedClients == 90)
        // The oldest was forgotten (it starts again with a full bucket); a recent one was not.
        let forgotten = limiter.admitQuery(.address("10.1.0.0"), now: start + .milliseconds(300))
        let kept = limiter.admitQuery(.address("10.1.0.50"), now: start + .milliseconds(300))
        #expect(forgotten == .allowed(RateLimitStatus(limit: 10, remaining: 9, resetSeconds: 1)))
        #expect(kept == .allowed(RateLimitStatus(limit: 10, remaining: 8, resetSeconds: 2)))
    }

    @Test func refilledClientsAreSweptButNotThoseWithQueriesRunning() {
        let limiter = RateLimiter(
            policy: RateLimitPolicy(queries: RateLimitRate(perSecond: 10, burst: 10), maxConcurrentQueries: 1),
            configuration: .init(maxClients: 10, sweepInterval: .seconds(10)), now: start)
        for client in 0..<11 { #expect(limiter.admitQuery(.address("10.1.0.\(client)"), now: start).isAllowed) }
        // Every one has a query running: none may be forgotten, even past the cap.
        #expect(limiter.trackedClients == 11)
        #expect(!limiter.admitQuery(.address("10.1.0.0"), now: start + .seconds(11)).isAllowed)
        #expect(limiter.trackedClients == 11)
        for client in 0..<11 { limiter.finishQuery(.address("10.1.0.\(client)")) }
        _ = limiter.admitWrite(bob, now: start + .seconds(22))
        #expect(limiter.trackedClients == 1)
    }
}
