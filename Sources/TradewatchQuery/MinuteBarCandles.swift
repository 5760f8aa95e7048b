import TradewatchCore

/// Candles of a whole number of minutes built from ``MinuteBar``s and encoded byte for byte as
/// the SQL path (``CandlesQuery`` through ``RowEncoder``) encodes them: the same columns (ts,
/// symbol, open, high, low, close, volume, vwap, trade_count, avg_price, source), the same number
/// formatting, and the same framing of JSON (`{"rows":[…]}`), NDJSON and CSV (header first).
public enum MinuteBarCandles {
    static let columns = ["ts", "symbol", "open", "high", "low", "close", "volume", "vwap", "trade_count", "avg_price", "source"]

    /// Combines `bars` (sorted by minute) into buckets of `width` nanoseconds aligned to the epoch,
    /// keeping the first `limit` buckets.
    public static func candles(from bars: [MinuteBar], width: Int64, limit: Int? = nil) -> [MinuteBar] {
        var candles: [MinuteBar] = []
        candles.reserveCapacity(width == MinuteBar.nanoseconds ? bars.count : bars.count / Int(width / MinuteBar.nanoseconds) + 2)
        for bar in bars {
            let bucket = MinuteBar.bucket(of: bar.minute, width: width)
            if let last = candles.last?.minute, last == bucket {
                candles[candles.count - 1].merge(bar)
                continue
            }
            if let limit, candles.count == limit { break }
            var candle = bar
            candle.minute = bucket
            candles.append(candle)
        }
        return candles
    }

    /// The whole response body for `candles` of `symbol` in `format`.
    public static func body(symbol: String, candles: [MinuteBar], format: ResultFormat) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64 + candles.count * 260)
        var symbolJSON: [UInt8] = []
        RowEncoder.appendJSONString(symbol, to: &symbolJSON)
        switch format {
        case .json:
            output.append(contentsOf: "{\"rows\":[".utf8)
            for (index, candle) in candles.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendObject(candle, symbolJSON: symbolJSON, to: &output)
            }
            output.append(contentsOf: "]}".utf8)
        case .ndjson:
            for candle in candles {
                appendObject(candle, symbolJSON: symbolJSON, to: &output)
                output.append(UInt8(ascii: "\n"))
            }
        case .csv:
            output.append(contentsOf: (columns.joined(separator: ",") + "\n").utf8)
            var symbolCSV: [UInt8] = []
            RowEncoder.appendCSVField(Array(symbol.utf8), to: &symbolCSV)
            for candle in candles { appendCSV(candle, symbolCSV: symbolCSV, to: &output) }
        }
        return output
    }

    private static func vwap(_ candle: MinuteBar) -> Double? {
        candle.volume > 0 ? candle.notional / candle.volume : nil
    }

    private static func averagePrice(_ candle: MinuteBar) -> Double {
        candle.priceSum / Double(candle.tradeCount)
    }

    private static func appendObject(_ candle: MinuteBar, symbolJSON: [UInt8], to output: inout [UInt8]) {
        output.append(contentsOf: "{\"ts\":\"".utf8)
        RFC3339.append(nanoseconds: candle.minute, to: &output)
        output.append(contentsOf: "\",\"symbol\":".utf8)
        output.append(contentsOf: symbolJSON)
        appendJSON(",\"open\":", candle.open, to: &output)
        appendJSON(",\"high\":", candle.high, to: &output)
        appendJSON(",\"low\":", candle.low, to: &output)
        appendJSON(",\"close\":", candle.close, to: &output)
        appendJSON(",\"volume\":", candle.volume, to: &output)
        appendJSON(",\"vwap\":", vwap(candle), to: &output)
        output.append(contentsOf: ",\"trade_count\":".utf8)
        output.append(contentsOf: String(candle.tradeCount).utf8)
        appendJSON(",\"avg_price\":", averagePrice(candle), to: &output)
        output.append(contentsOf: ",\"source\":\"trades\"}".utf8)
    }

    /// As RowEncoder writes a DOUBLE in JSON: NULL, NaN and infinities are `null`.
    private static func appendJSON(_ key: StaticString, _ value: Double?, to output: inout [UInt8]) {
        key.withUTF8Buffer { output.append(contentsOf: $0) }
        guard let value, value.isFinite else { return output.append(contentsOf: "null".utf8) }
        output.append(contentsOf: value.description.utf8)
    }

    private static func appendCSV(_ candle: MinuteBar, symbolCSV: [UInt8], to output: inout [UInt8]) {
        RFC3339.append(nanoseconds: candle.minute, to: &output)
        output.append(UInt8(ascii: ","))
        output.append(contentsOf: symbolCSV)
        for value in [candle.open, candle.high, candle.low, candle.close, candle.volume, vwap(candle)] {
            output.append(UInt8(ascii: ","))
            if let value { output.append(contentsOf: value.description.utf8) }
        }
        output.append(UInt8(ascii: ","))
        output.append(contentsOf: String(candle.tradeCount).utf8)
        output.append(UInt8(ascii: ","))
        output.append(contentsOf: averagePrice(candle).description.utf8)
        output.append(contentsOf: ",trades\n".utf8)
    }
}
