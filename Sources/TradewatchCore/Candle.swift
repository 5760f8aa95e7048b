/// One OHLCV bar of a symbol over an interval (`1m`, `1h`…), starting at `timestampNanoseconds`.
public struct Candle: Hashable, Sendable, Codable {
    public var timestampNanoseconds: Int64
    public var symbol: String
    public var interval: String
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(
        timestampNanoseconds: Int64, symbol: String, interval: String,
        open: Double, high: Double, low: Double, close: Double, volume: Double
    ) {
        self.timestampNanoseconds = timestampNanoseconds
        self.symbol = symbol
        self.interval = interval
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }
}
