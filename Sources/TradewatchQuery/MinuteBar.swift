/// The partial candle of one symbol's trades (all venues together) in one minute: the same
/// partials as the `trades_1m` rollup (`AnalyticsStore.tradePartialAggregates`), so candles of
/// any whole number of minutes combine from them exactly as the SQL path combines rollup rows.
///
/// Ties follow the SQL: the open is the price of the earliest trade, the lowest price among trades
/// at that instant (`arg_min(price, (ts, price))`); the close the price of the latest trade, the
/// highest price among trades at that instant.
public struct MinuteBar: Sendable, Hashable {
    /// Start of the minute, in nanoseconds since the epoch.
    public var minute: Int64
    public var open: Double
    public var openTimestamp: Int64
    public var high: Double
    public var low: Double
    public var close: Double
    public var closeTimestamp: Int64
    public var volume: Double
    /// Sum of price × quantity, for the VWAP.
    public var notional: Double
    /// Sum of prices, for the average price.
    public var priceSum: Double
    public var tradeCount: Int64

    public static let nanoseconds: Int64 = 60_000_000_000

    /// The start of the bucket of `width` nanoseconds (aligned to the epoch) holding `timestamp`.
    @inline(__always)
    public static func bucket(of timestamp: Int64, width: Int64 = nanoseconds) -> Int64 {
        timestamp - ((timestamp % width) + width) % width
    }

    /// The bar of a single trade.
    public init(timestamp: Int64, price: Double, quantity: Double) {
        minute = Self.bucket(of: timestamp)
        open = price
        openTimestamp = timestamp
        high = price
        low = price
        close = price
        closeTimestamp = timestamp
        volume = quantity
        notional = price * quantity
        priceSum = price
        tradeCount = 1
    }

    /// A bar from stored partials (the rollup's columns).
    public init(
        minute: Int64, open: Double, openTimestamp: Int64, high: Double, low: Double, close: Double,
        closeTimestamp: Int64, volume: Double, notional: Double, priceSum: Double, tradeCount: Int64
    ) {
        self.minute = minute
        self.open = open
        self.openTimestamp = openTimestamp
        self.high = high
        self.low = low
        self.close = close
        self.closeTimestamp = closeTimestamp
        self.volume = volume
        self.notional = notional
        self.priceSum = priceSum
        self.tradeCount = tradeCount
    }

    /// Adds one trade of this bar's minute.
    @inline(__always)
    public mutating func add(timestamp: Int64, price: Double, quantity: Double) {
        if timestamp < openTimestamp || (timestamp == openTimestamp && price < open) {
            open = price
            openTimestamp = timestamp
        }
        if timestamp > closeTimestamp || (timestamp == closeTimestamp && price > close) {
            close = price
            closeTimestamp = timestamp
        }
        if price > high { high = price }
        if price < low { low = price }
        volume += quantity
        notional += price * quantity
        priceSum += price
        tradeCount += 1
    }

    /// Combines the partials of `other` (same bucket, or a wider bucket being built) into this one.
    public mutating func merge(_ other: MinuteBar) {
        if other.openTimestamp < openTimestamp || (other.openTimestamp == openTimestamp && other.open < open) {
            open = other.open
            openTimestamp = other.openTimestamp
        }
        if other.closeTimestamp > closeTimestamp || (other.closeTimestamp == closeTimestamp && other.close > close) {
            close = other.close
            closeTimestamp = other.closeTimestamp
        }
        if other.high > high { high = other.high }
        if other.low < low { low = other.low }
        volume += other.volume
        notional += other.notional
        priceSum += other.priceSum
        tradeCount += other.tradeCount
    }
}
