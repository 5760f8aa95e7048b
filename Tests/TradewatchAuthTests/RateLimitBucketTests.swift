import Testing
import TradewatchAuth

/// The token bucket's arithmetic, at instants the test chooses.
@Suite struct RateLimitBucketTests {
    let start = ContinuousClock.now
    let fivePerSecond = RateLimitRate(perSecond: 5, burst: 5)

    @Test func aFullBucketPassesItsBurstThenRefusesWithTheTimeToTheNextToken() {
        var bucket = RateLimitBucket(rate: fivePerSecond, now: start)
        for _ in 0..<5 { #expect(bucket.take(1, rate: fivePerSecond, now: start) == .taken) }
        #expect(bucket.take(1, rate: fivePerSecond, now: start) == .refused(retryAfter: .milliseconds(200)))
        #expect(bucket.status(rate: fivePerSecond, now: start) == RateLimitStatus(limit: 5, remaining: 0, resetSeconds: 1))
        // One token is back after 1/5 s, exactly.
        #expect(bucket.take(1, rate: fivePerSecond, now: start + .milliseconds(200)) == .taken)
        #expect(bucket.take(1, rate: fivePerSecond, now: start + .milliseconds(200)) != .taken)
    }

    @Test func refillStopsAtTheBurst() {
        var bucket = RateLimitBucket(rate: fivePerSecond, now: start)
        _ = bucket.take(5, rate: fivePerSecond, now: start)
        let later = start + .seconds(60)
        #expect(bucket.isFull(rate: fivePerSecond, now: later))
        #expect(bucket.status(rate: fivePerSecond, now: later) == RateLimitStatus(limit: 5, remaining: 5, resetSeconds: 0))
        for _ in 0..<5 { #expect(bucket.take(1, rate: fivePerSecond, now: later) == .taken) }
        #expect(bucket.take(1, rate: fivePerSecond, now: later) != .taken)
    }

    @Test func resetCountsTheSecondsUntilFullRoundedUp() {
        let rate = RateLimitRate(perSecond: 2, burst: 10)
        var bucket = RateLimitBucket(rate: rate, now: start)
        _ = bucket.take(3, rate: rate, now: start)
        // 3 missing at 2/s: 1.5 s, said as 2.
        #expect(bucket.status(rate: rate, now: start) == RateLimitStatus(limit: 10, remaining: 7, resetSeconds: 2))
    }

    @Test func aCostAboveTheBurstPassesOnlyAFullBucketAndLeavesItInDebt() {
        let rows = RateLimitRate(perSecond: 100, burst: 200)
        var bucket = RateLimitBucket(rate: rows, now: start)
        #expect(bucket.take(500, rate: rows, now: start) == .taken)
        #expect(bucket.tokens == -300)
        // The debt is paid before anything passes: after a second 200 are still owed, plus the
        // 10 asked, at 100/s.
        #expect(bucket.take(10, rate: rows, now: start + .seconds(1)) == .refused(retryAfter: .milliseconds(2100)))
        #expect(bucket.take(10, rate: rows, now: start + .milliseconds(3100)) == .taken)
        // Not full again: another oversized write waits for a full bucket.
        #expect(bucket.take(500, rate: rows, now: start + .milliseconds(3100)) != .taken)
    }

    @Test func aRefusalChargesNothing() {
        var bucket = RateLimitBucket(rate: fivePerSecond, now: start)
        _ = bucket.take(4, rate: fivePerSecond, now: start)
        #expect(bucket.take(3, rate: fivePerSecond, now: start) != .taken)
        #expect(bucket.take(1, rate: fivePerSecond, now: start) == .taken)
    }

    @Test func retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        #expect(Duration.milliseconds(1).retryAfterSeconds == 1)
        #expect(Duration.seconds(1).retryAfterSeconds == 1)
        #expect(Duration.milliseconds(1001).retryAfterSeconds == 2)
        #expect(Duration.zero.retryAfterSeconds == 1)
    }

    @Test func theDefaultBurstIsTwoSecondsWorth() {
        #expect(RateLimitRate(perSecond: 100).burst == 200)
        #expect(RateLimitRate(perSecond: 0.2).burst == 1)
        #expect(RateLimitRate(perSecond: 5, burst: 5).description == "5/s, burst 5")
    }
}
