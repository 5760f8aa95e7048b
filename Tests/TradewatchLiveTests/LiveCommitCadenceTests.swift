import Testing
@testable import TradewatchLive

@Suite struct LiveCommitCadenceTests {
    static let interval = Duration.milliseconds(100)

    static func cadence(_ gapsInMilliseconds: [Int]) -> LiveCommitCadence {
        var cadence = LiveCommitCadence()
        var now = Duration.seconds(10)
        cadence.arrived(at: now)
        for gap in gapsInMilliseconds {
            now += .milliseconds(gap)
            cadence.arrived(at: now)
        }
        return cadence
    }

    @Test func aSteadyCadenceIsFollowedThroughOneStall() {
        let steady = Self.cadence([50, 51, 49, 50, 52, 48, 50, 50])
        #expect(steady.gap == .milliseconds(50) && steady.isFollowed(interval: Self.interval))
        // A 60 ms stall: one long gap, then the commit that waited right behind it.
        let stalled = Self.cadence([50, 51, 49, 50, 52, 48, 110, 5])
        #expect(stalled.gap == .milliseconds(50) && stalled.isFollowed(interval: Self.interval))
        let afterTheLongGap = Self.cadence([50, 51, 49, 50, 52, 48, 50, 110])
        #expect(afterTheLongGap.followsAStall && !steady.followsAStall)
        // The frame waits a quarter gap for the commit queued behind the stalled one.
        let elapsed = [50, 51, 49, 50, 52, 48, 50, 110].reduce(0, +)
        let last = Duration.seconds(10) + Duration.milliseconds(elapsed)
        #expect(afterTheLongGap.holdUntil(now: last, window: last, interval: Self.interval) == last + .microseconds(12_500))
    }

    @Test func irregularOrSlowCommitsAreNotFollowed() {
        #expect(!Self.cadence([10, 90, 30, 70, 5, 95, 40, 60]).isFollowed(interval: Self.interval))
        // As often as frames may go, or less: frames find their window open anyway.
        #expect(!Self.cadence([100, 100, 100, 100]).isFollowed(interval: Self.interval))
        // A quiet second forgets the cadence.
        #expect(Self.cadence([50, 50, 50, 1_500]).gap == nil)
    }
}
