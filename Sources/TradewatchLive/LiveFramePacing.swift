/// When one subscription may send its next frame: at most `framesPerSecond` frames in any
/// second, on a steady schedule.
///
/// The schedule is kept from frame to frame: a frame that left at most one interval after its
/// window opened (it was waiting for the window or for the hub's tick) opens the next window one
/// interval after its own window, not after the moment it left. A frame that waited for a commit
/// moves the schedule to the moment it left instead: that is what lines frames up behind commits.
/// Measured from the moment it left, each frame's small delay would push the schedule later,
/// frame after frame, across the commits' cadence, so that every few seconds a commit arriving
/// just after a frame waited a whole interval. The cap is kept on the schedule: a frame's window
/// never opens less than one second after the window of the frame `framesPerSecond` frames
/// before it. Frames leave at or after their windows, later by the consumer's delay (the hub's
/// tick, a busy connection); keeping the cap on the times they left instead made every such
/// delay push the schedule later, against commits that come on a steady grid.
struct LiveFramePacing: Sendable {
    let interval: Duration
    let framesPerSecond: Int
    /// When the next frame may go; `nil`: at once (no frame yet).
    private(set) var nextWindow: Duration?
    /// The windows of the last `framesPerSecond` frames (when each was allowed to go), oldest first.
    private var recent: [Duration] = []

    init(framesPerSecond: Int) {
        self.framesPerSecond = max(1, framesPerSecond)
        interval = .seconds(1) / self.framesPerSecond
    }

    /// When the current window opened (`now` when no frame went yet).
    func windowOpened(now: Duration) -> Duration { nextWindow.map { min($0, now) } ?? now }

    /// When the next frame may go, if later than `now`.
    func deadline(now: Duration) -> Duration? {
        guard let nextWindow, now < nextWindow else { return nil }
        return nextWindow
    }

    /// A frame left at `now`. `realigned`: it waited for a commit (``LiveCommitCadence``), so the
    /// schedule moves to `now`, right behind the commits, instead of keeping its old phase.
    /// `behindCommitAt`: the frame carries a commit of a steady cadence that arrived then, just
    /// before: the schedule moves to that arrival, earlier or later (earlier only as far as the
    /// cap allows), so it keeps following commits on a steady grid instead of drifting later
    /// with every commit that came a little late, until a frame had to wait for a third commit.
    mutating func sent(at now: Duration, realigned: Bool = false, behindCommitAt arrival: Duration? = nil) {
        var window = nextWindow.map { !realigned && now - $0 < interval ? $0 : now } ?? now
        if let arrival, now - arrival <= interval / 4 {
            // Earlier than the window only as far as the cap allows.
            window = recent.count == framesPerSecond ? max(arrival, recent[0] + .seconds(1)) : arrival
        }
        recent.append(window)
        if recent.count > framesPerSecond { recent.removeFirst() }
        var next = window + interval
        if recent.count == framesPerSecond { next = max(next, recent[0] + .seconds(1)) }
        nextWindow = next
    }
}
