/// When one subscription may send its next frame: at most `framesPerSecond` frames in any
/// second, on a steady schedule.
///
/// The schedule is kept from frame to frame: a frame that left at most one interval after its
/// window opened (it was waiting for the window or for the hub's tick) opens the next window one
/// interval after its own window, not after the moment it left. A frame that waited for a commit
/// moves the schedule to the moment it left instead: that is what lines frames up behind commits.
/// Measured from the moment it left, each frame's small delay would push the schedule later,
/// frame after frame, across the commits' cadence, so that every few seconds a commit arriving
/// just after a frame waited a whole interval. The cap itself is exact: the next frame never
/// leaves less than one second after the frame `framesPerSecond` frames before it.
struct LiveFramePacing: Sendable {
    let interval: Duration
    let framesPerSecond: Int
    /// When the next frame may go; `nil`: at once (no frame yet).
    private(set) var nextWindow: Duration?
    /// When the last `framesPerSecond` frames left, oldest first.
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
    mutating func sent(at now: Duration, realigned: Bool = false) {
        let window = nextWindow.map { !realigned && now - $0 < interval ? $0 : now } ?? now
        recent.append(now)
        if recent.count > framesPerSecond { recent.removeFirst() }
        var next = window + interval
        if recent.count == framesPerSecond { next = max(next, recent[0] + .seconds(1)) }
        nextWindow = next
    }
}
