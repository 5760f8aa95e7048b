/// Builds the bars of one live candle subscription from its symbol's trades.
///
/// Bars are keyed by trade timestamps, aligned to the epoch. The forming bar becomes final when a
/// trade of a later bar arrives, or when the market's time passes its end: the latest trade time
/// seen plus the clock time elapsed since (so a quiet market still closes its bars, and a
/// producer's clock skew does not). A late trade that lands in a bar already final changes it
/// and yields a `revised` update; the last ``closedBarsKept`` final bars are kept for that.
struct LiveCandleBuilder: Sendable {
    /// A bar to send: the forming bar, a bar just closed (`final`), or a final bar changed by a late
    /// trade (`final` and `revised`).
    struct Update: Sendable, Equatable {
        var bar: LiveCandleBar
        var final: Bool
        var revised: Bool
    }

    static let closedBarsKept = 10

    let symbol: String
    /// Bar width in nanoseconds.
    let interval: Int64
    private(set) var current: LiveCandleBar?
    /// Final bars, oldest first, at most ``closedBarsKept``.
    private(set) var closed: [LiveCandleBar] = []
    private var latestTradeTime: Int64?
    /// Clock time (offset) when `latestTradeTime` was seen.
    private var latestSeenAt: Duration = .zero

    init(symbol: String, interval: Int64) {
        precondition(interval > 0, "candle interval must be positive")
        self.symbol = symbol
        self.interval = interval
    }

    /// Adds one trade and returns the bars it changed, in the order to send them.
    mutating func add(_ trade: LiveTrade, commit: Int64, now: Duration) -> [Update] {
        if latestTradeTime.map({ trade.timestamp >= $0 }) ?? true {
            latestTradeTime = trade.timestamp
            latestSeenAt = now
        }
        let start = barStart(trade.timestamp)
        if var bar = current {
            if start == bar.start {
                bar.add(trade, commit: commit)
                current = bar
                return [Update(bar: bar, final: false, revised: false)]
            }
            if start < bar.start { return revise(start: start, with: trade, commit: commit) }
            current = LiveCandleBar(start: start, trade: trade, commit: commit)
            keep(bar)
            return [Update(bar: bar, final: true, revised: false), Update(bar: current!, final: false, revised: false)]
        }
        if let last = closed.last, start <= last.start { return revise(start: start, with: trade, commit: commit) }
        current = LiveCandleBar(start: start, trade: trade, commit: commit)
        return [Update(bar: current!, final: false, revised: false)]
    }

    /// Closes the forming bar if the market's time has passed its end.
    mutating func closeIfDue(now: Duration) -> Update? {
        guard let bar = current, let deadline, now >= deadline else { return nil }
        current = nil
        keep(bar)
        return Update(bar: bar, final: true, revised: false)
    }

    /// Clock time (offset) at which the forming bar closes if no later trade arrives.
    var deadline: Duration? {
        guard let bar = current, let latestTradeTime else { return nil }
        return latestSeenAt + .nanoseconds(bar.start + interval - latestTradeTime)
    }

    private func barStart(_ timestamp: Int64) -> Int64 {
        let remainder = timestamp % interval
        return timestamp - (remainder < 0 ? remainder + interval : remainder)
    }

    private mutating func keep(_ bar: LiveCandleBar) {
        closed.append(bar)
        if closed.count > Self.closedBarsKept { closed.removeFirst(closed.count - Self.closedBarsKept) }
    }

    /// A late trade for a final bar. A bar between kept bars that had no trades was final (empty)
    /// too, so it is sent as revised; a trade older than every kept bar is ignored: its bar is
    /// gone (or was never seen by this subscription).
    private mutating func revise(start: Int64, with trade: LiveTrade, commit: Int64) -> [Update] {
        if let index = closed.firstIndex(where: { $0.start == start }) {
            closed[index].add(trade, commit: commit)
            return [Update(bar: closed[index], final: true, revised: true)]
        }
        guard let first = closed.first, start > first.start else { return [] }
        let bar = LiveCandleBar(start: start, trade: trade, commit: commit)
        closed.insert(bar, at: closed.firstIndex(where: { $0.start > start }) ?? closed.endIndex)
        if closed.count > Self.closedBarsKept { closed.removeFirst() }
        return [Update(bar: bar, final: true, revised: true)]
    }
}
