import Testing
import TradewatchTestSupport
@testable import TradewatchLive

/// Frames follow the commits: with commits twice as frequent as frames, rows wait about one gap
/// between commits (not up to a whole frame interval) once frames are lined up behind commits,
/// whatever the phase of the commits against the first frame no row waits much more than an
/// interval, and the 10-frames-a-second cap holds on the schedule (frames leave at most a tick
/// after their window).
@Suite struct LiveOutboxAlignmentTests {
    /// One subscription's outbox driven like the server drives it: commits arrive every `gap`
    /// (± `jitter`), an append that asks for it wakes the consumer at once, and a consumer waiting
    /// for a deadline is woken by the hub's 5 ms tick at the first tick at or after it.
    struct Run {
        /// (arrival, sent) of every row, in the order sent.
        var rows: [(arrival: Duration, sent: Duration)] = []
        var frames: [Duration] = []
    }

    static func drive(phase: Duration, gap: Duration, jitter: Duration, seconds: Int, seed: UInt64) throws -> Run {
        var random = SplitMix64(state: seed)
        let jitterMicros = UInt64(jitter / .microseconds(1))
        // A lone commit at 0 sends the first frame and starts the schedule; the steady commits
        // start at `phase`, so the windows and the commits are out of phase by that much.
        var arrivals: [Duration] = [.zero]
        var base = phase + gap
        while base < .seconds(seconds) {
            let offset = Int64(random.below(2 * jitterMicros + 1)) - Int64(jitterMicros)
            arrivals.append(base + .microseconds(offset))
            base += gap
        }
        return try drive(arrivals: arrivals)
    }

    /// Commits at `arrivals` (in order; the first starts the schedule).
    static func drive(arrivals: [Duration]) throws -> Run {
        var machine = LiveOutbox.StateMachine(configuration: LiveConfiguration(maxFramesPerSecond: 10, maxBufferedRows: 10_000))
        try machine.subscribe(id: "s1", holding: false, candles: nil)
        let tick = Duration.milliseconds(5)
        var run = Run()
        var wakeAt: Duration?

        func drain(_ now: Duration) {
            while true {
                switch machine.next(now: now) {
                case .emit(.rows(_, _, let sent)):
                    run.frames.append(now)
                    for row in sent { run.rows.append((.microseconds(Int64(String(decoding: row, as: UTF8.self))!), now)) }
                case .wait(let until):
                    // The pacer wakes the consumer at the first tick at or after the deadline.
                    wakeAt = until.map { deadline in
                        let ticks = (deadline / tick).rounded(.up)
                        return tick * Int(ticks)
                    }
                    return
                default:
                    Issue.record("unexpected action")
                    return
                }
            }
        }

        var next = 0
        while next < arrivals.count {
            if let wake = wakeAt, wake <= arrivals[next] {
                wakeAt = nil
                drain(wake)
                continue
            }
            let arrival = arrivals[next]
            next += 1
            let micros = arrival / .microseconds(1)
            let outcome = machine.append(
                subscription: "s1", commit: Int64(next), rows: LiveRows([Array(String(Int64(micros)).utf8)]), now: arrival)
            if outcome.wake { drain(arrival) }
        }
        if let wake = wakeAt { drain(wake) }
        return run
    }

    @Test(arguments: [0, 10, 20, 25, 30, 40, 45, 49])
    func rowsWaitAboutOneCommitGapOnceFramesFollowTheCommits(phaseMilliseconds: Int) throws {
        let run = try Self.drive(
            phase: .milliseconds(phaseMilliseconds), gap: .milliseconds(50), jitter: .milliseconds(3),
            seconds: 10, seed: UInt64(phaseMilliseconds) + 1)
        #expect(run.rows.count >= 190)
        // While the cadence is learnt no row waits more than an interval and a tick…
        let worst = run.rows.map { $0.sent - $0.arrival }.max() ?? .zero
        #expect(worst <= .milliseconds(105), "worst wait \(worst) at phase \(phaseMilliseconds) ms")
        // …and once it is, about one commit gap (50 ms, the jitter, a tick) when frames could line
        // up behind commits, at most three quarters of an interval when the commits keep nearer
        // the previous window (then waiting for the next commit would cost more than it saves).
        let settled = run.rows.filter { $0.arrival >= .seconds(1) }.map { $0.sent - $0.arrival }
        let settledWorst = settled.max() ?? .zero
        #expect(settledWorst <= .milliseconds(75), "worst settled wait \(settledWorst) at phase \(phaseMilliseconds) ms")
        let behindCommits = [0, 10, 20, 25, 49].contains(phaseMilliseconds)
        #expect(!behindCommits || settledWorst <= .milliseconds(62), "worst settled wait \(settledWorst) at phase \(phaseMilliseconds) ms")
        // The cap holds on the schedule; frames leave at most a tick (5 ms) after their window.
        for index in run.frames.indices.dropFirst(10) {
            #expect(run.frames[index] - run.frames[index - 10] >= .seconds(1) - .milliseconds(5))
        }
    }

    @Test func irregularCommitsWaitAboutOneIntervalAtMost() throws {
        // Gaps anywhere between 2 and 98 ms: no cadence to follow, so frames mostly keep to their
        // windows, and no row waits much more than one interval (100 ms, the tick, a short hold).
        let run = try Self.drive(phase: .zero, gap: .milliseconds(50), jitter: .milliseconds(24), seconds: 10, seed: 7)
        let waits = run.rows.map { $0.sent - $0.arrival }.sorted()
        let worst = waits.last ?? .zero
        #expect(worst <= .milliseconds(120), "worst wait \(worst)")
        for index in run.frames.indices.dropFirst(10) {
            #expect(run.frames[index] - run.frames[index - 10] >= .seconds(1) - .milliseconds(5))
        }
    }

    @Test func aShortStallInTheCommitsDoesNotThrowFramesOffTheCadence() throws {
        // Commits every 50 ms (± 3 ms), but every 1.3 s a checkpoint holds them up for 60 ms:
        // one gap of 110 ms, then the commit that waited comes 5 ms after it. Frames keep
        // following the commits through each stall instead of losing the cadence for a while.
        var random = SplitMix64(state: 11)
        var arrivals: [Duration] = [.zero]
        var base = Duration.milliseconds(50)
        var nextStall = Duration.milliseconds(1_300)
        while base < .seconds(20) {
            if base >= nextStall {
                base += .milliseconds(60)
                arrivals.append(base)
                base += .milliseconds(5)
                nextStall += .milliseconds(1_300)
            }
            let offset = Int64(random.below(6_001)) - 3_000
            arrivals.append(base + .microseconds(offset))
            base += .milliseconds(50)
        }
        let run = try Self.drive(arrivals: arrivals)
        let settled = run.rows.filter { $0.arrival >= .seconds(1) }.map { $0.sent - $0.arrival }.sorted()
        let p99 = settled[settled.count * 99 / 100]
        let over = settled.filter { $0 > .milliseconds(75) }.count
        #expect(p99 <= .milliseconds(75), "p99 wait \(p99)")
        #expect(over * 50 <= settled.count, "\(over) of \(settled.count) rows waited over 75 ms")
        for index in run.frames.indices.dropFirst(10) {
            #expect(run.frames[index] - run.frames[index - 10] >= .seconds(1) - .milliseconds(5))
        }
    }
}
