import TradewatchClient

/// Builds one symbol's 1-second OHLCV bars from its market trades. Bars start on whole seconds
/// of the Unix epoch, like the server's own candles, and a second without trades has no bar.
struct CandleBuilder: Sendable {
    static let width: Int64 = 1_000_000_000

    let symbol: String
    private var bar: CandleBar?

    init(symbol: String) { self.symbol = symbol }

    /// Adds a trade (at an absolute timestamp); returns the previous bar if this trade closed it.
    mutating func add(price: Double, quantity: Double, at timestamp: Int64) -> CandleBar? {
        let start = timestamp - timestamp % Self.width
        var closed: CandleBar?
        if let current = bar, current.timestamp != start {
            closed = current
            bar = nil
        }
        if var current = bar {
            current.high = max(current.high, price)
            current.low = min(current.low, price)
            current.close = price
            current.volume += quantity
            bar = current
        } else {
            bar = CandleBar(
                symbol: symbol, interval: "1s", open: price, high: price, low: price, close: price, volume: quantity,
                timestamp: start)
        }
        return closed
    }

    /// Returns and forgets the open bar if it started before `boundary` (all of it when nil).
    mutating func close(before boundary: Int64? = nil) -> CandleBar? {
        guard let current = bar, boundary.map({ current.timestamp < $0 }) ?? true else { return nil }
        bar = nil
        return current
    }
}
