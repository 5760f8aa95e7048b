/// When a subscription's next commit is due, judged from the gaps between the commits it had.
///
/// Commits often come more often than frames may go (20 a second against 10 frames a second
/// in the benchmark). A frame whose window opens just before a commit arrives would leave
/// without it, and that commit would wait a whole interval for the next frame. Holding such a
/// frame for the commit (briefly, only when one is due within a fifth of the interval) keeps
/// frames right behind commits, so no row waits much more than the gap between commits.
struct LiveCommitCadence: Sendable {
    private(set) var lastArrival: Duration?
    /// Smoothed gap between commits; `nil` until two arrived less than a second apart.
    private(set) var gap: Duration?

    mutating func arrived(at now: Duration) {
        if let last = lastArrival {
            let sinceLast = now - last
            gap = sinceLast < .seconds(1) ? gap.map { ($0 * 3 + sinceLast) / 4 } ?? sinceLast : nil
        }
        lastArrival = now
    }

    /// Until when a frame that may go at `now` should wait for the next commit; `nil`: send now.
    /// The wait ends at the commit's arrival or at most `interval × 0.15` after it was due.
    func holdUntil(now: Duration, interval: Duration) -> Duration? {
        guard let lastArrival, let gap else { return nil }
        let lead = interval / 5
        let slack = interval * 3 / 20
        // Commits much more frequent than frames: a missed one waits little anyway.
        guard gap >= lead * 2 else { return nil }
        let due = lastArrival + gap
        guard now >= due - lead, now < due + slack else { return nil }
        return due + slack
    }
}
