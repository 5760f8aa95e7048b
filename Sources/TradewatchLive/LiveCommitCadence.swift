/// When a subscription's next commit is due, judged from the gaps between the commits it had.
///
/// Commits often come more often than frames may go (20 a second against 10 frames a second
/// in the benchmark). If frames left on a schedule of their own, unrelated to the commits, a
/// commit arriving just after a frame would wait a whole interval for the next one, and with
/// the two cadences out of phase every subscription would see waits close to the interval.
/// Frames therefore follow the commits: when a frame's window opens nearer the next commit than
/// the last one, the frame waits for that commit (at most half an interval) and leaves with it;
/// the next window opens one interval after it (``LiveFramePacing/sent(at:realigned:)``), so
/// frames leave right behind every second commit and no row waits much longer than the gap
/// between two commits. A subscription starts that way (its first frame leaves with its first
/// commit), and the waits keep it so when commits come a little early or late.
struct LiveCommitCadence: Sendable {
    /// Gaps remembered: enough that one stall (a long gap, then the commit that waited coming
    /// right after it) leaves most of them on the cadence.
    static let remembered = 8

    private(set) var lastArrival: Duration?
    /// The median of the recent gaps between commits; `nil` until two arrived less than a
    /// second apart.
    private(set) var gap: Duration?
    /// Whether at least three quarters of the recent gaps lie within a quarter of `gap`.
    private(set) var isRegular = false
    /// The recent gaps, oldest first, and the same sorted.
    private var gaps: [Duration] = []
    private var sortedGaps: [Duration] = []

    /// Whether the last commit came after a stall: a gap at least one and a half times the
    /// cadence's. The commits that waited then come in a burst, the next one right behind it.
    var followsAStall: Bool {
        guard let gap, let last = gaps.last, gaps.count > 1 else { return false }
        return last * 2 >= gap * 3
    }

    mutating func arrived(at now: Duration) {
        defer { lastArrival = now }
        guard let last = lastArrival else { return }
        let sinceLast = now - last
        guard sinceLast < .seconds(1) else {
            gaps.removeAll(keepingCapacity: true)
            sortedGaps.removeAll(keepingCapacity: true)
            gap = nil
            isRegular = false
            return
        }
        if gaps.count == Self.remembered {
            let oldest = gaps.removeFirst()
            sortedGaps.remove(at: sortedGaps.firstIndex(of: oldest)!)
        }
        gaps.append(sinceLast)
        // Kept sorted as it goes: this runs for every commit of every subscription.
        sortedGaps.insert(sinceLast, at: sortedGaps.firstIndex { $0 > sinceLast } ?? sortedGaps.count)
        // The median, not a mean: a stall in the commits (a checkpoint holds them up) is one
        // long gap and one short one, which would drag a mean off the cadence for many commits.
        let median = sortedGaps[sortedGaps.count / 2]
        let near = gaps.count { gap in (gap > median ? gap - median : median - gap) * 4 <= median }
        gap = median
        isRegular = near * 4 >= gaps.count * 3
    }

    /// Whether frames follow these commits: they come on a steady cadence (irregular ones give
    /// no telling when the next comes) clearly more often than frames may go (else most find
    /// their window open, and lining frames up behind every second one would space them well
    /// over an interval).
    func isFollowed(interval: Duration) -> Bool {
        guard let gap else { return false }
        return gap * 5 <= interval * 3 && isRegular
    }

    /// Until when a frame whose window opened at `window` (and is open at `now`) should wait for
    /// the next commit; `nil`: send now. It waits when the next commit is due nearer the window's
    /// opening than the last one arrived (and at most half an interval after it); the wait ends
    /// at the commit's arrival (the owner's append) or at the returned time, a quarter of a gap
    /// after the commit was due.
    func holdUntil(now: Duration, window: Duration, interval: Duration) -> Duration? {
        guard let lastArrival, let gap, isFollowed(interval: interval) else { return nil }
        // Right after a stall, the commit that queued behind the last one is about to come:
        // a frame leaving now would make its rows wait a whole interval.
        if followsAStall, now < lastArrival + gap / 4 { return lastArrival + gap / 4 }
        let due = lastArrival + gap
        let until = due + gap / 4
        // The last commit is the nearer one: the frame is right behind it already.
        guard due - window < window - lastArrival else { return nil }
        guard due - window <= interval / 2, now < until else { return nil }
        return until
    }
}
