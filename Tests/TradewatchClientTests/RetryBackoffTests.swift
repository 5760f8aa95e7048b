import Testing
@testable import TradewatchClient
import TradewatchTestSupport

/// Waits between retries: exponential, jittered within bounds, capped, and never shorter than
/// the server's Retry-After.
@Suite struct RetryBackoffTests {
    typealias SplitMix = SplitMix64

    @Test func doublesWithinJitterBoundsUpToTheMaximum() {
        let backoff = TradewatchRecorder.RetryBackoff(base: .milliseconds(100), maximum: .seconds(2))
        var generator = SplitMix(state: 1)
        for (failures, ceiling) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1_600), (6, 2_000), (60, 2_000)] {
            var seen: Set<Duration> = []
            for _ in 0..<200 {
                let delay = backoff.delay(afterFailures: failures, using: &generator)
                #expect(delay >= .milliseconds(ceiling / 2) && delay <= .milliseconds(ceiling), "after \(failures) failures: \(delay)")
                seen.insert(delay)
            }
            #expect(seen.count > 100, "jitter spreads the waits")
        }
    }

    @Test func retryAfterIsTheShortestWaitAndIsCapped() {
        let backoff = TradewatchRecorder.RetryBackoff(base: .milliseconds(10), maximum: .seconds(1))
        var generator = SplitMix(state: 2)
        #expect(backoff.delay(afterFailures: 1, retryAfter: .seconds(3), using: &generator) == .seconds(3))
        #expect(backoff.delay(afterFailures: 1, retryAfter: .seconds(86_400), using: &generator) == .seconds(300))
        let short = backoff.delay(afterFailures: 8, retryAfter: .seconds(0), using: &generator)
        #expect(short >= .milliseconds(500) && short <= .seconds(1))
    }
}
