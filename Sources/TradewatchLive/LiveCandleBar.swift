/// One bar of a live candle: OHLCV, VWAP and trade count of the trades whose timestamps fall in
/// `[start, start + interval)`.
public struct LiveCandleBar: Sendable, Hashable {
    /// Start of the bar, nanoseconds since the epoch, aligned to the interval.
    public let start: Int64
    public private(set) var open: Double
    public private(set) var high: Double
    public private(set) var low: Double
    public private(set) var close: Double
    public private(set) var volume: Double
    /// Σ price · quantity, for the VWAP.
    public private(set) var notional: Double
    public private(set) var tradeCount: Int
    /// The last commit that changed the bar.
    public private(set) var commit: Int64
    /// Timestamps of the trades that set `open` and `close`: a late trade inside the bar moves them
    /// only if it is earlier than the first or not earlier than the last.
    private var openTime: Int64
    private var closeTime: Int64

    public init(start: Int64, trade: LiveTrade, commit: Int64) {
        self.start = start
        open = trade.price
        high = trade.price
        low = trade.price
        close = trade.price
        volume = trade.quantity
        notional = trade.price * trade.quantity
        tradeCount = 1
        self.commit = commit
        openTime = trade.timestamp
        closeTime = trade.timestamp
    }

    /// Σ price · qty / Σ qty; `nil` while the volume is zero.
    public var vwap: Double? { volume > 0 ? notional / volume : nil }

    public mutating func add(_ trade: LiveTrade, commit: Int64) {
        high = max(high, trade.price)
        low = min(low, trade.price)
        if trade.timestamp < openTime {
            open = trade.price
            openTime = trade.timestamp
        }
        if trade.timestamp >= closeTime {
            close = trade.price
            closeTime = trade.timestamp
        }
        volume += trade.quantity
        notional += trade.price * trade.quantity
        tradeCount += 1
        self.commit = max(self.commit, commit)
    }
}
