import DuckDB
public import TradewatchCore

extension AnalyticsStore {
    /// Inserts candles, replacing any stored candle with the same symbol, interval and start, in
    /// one transaction: all are written or none.
    public func upsertCandles(_ candles: [Candle]) async throws {
        guard !candles.isEmpty else { return }
        try await write { connection in
            try connection.transaction {
                let statement = try connection.prepare("""
                    INSERT INTO candles (ts, symbol, "interval", open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (symbol, "interval", ts) DO UPDATE SET
                        open = excluded.open, high = excluded.high, low = excluded.low,
                        close = excluded.close, volume = excluded.volume
                    """)
                for candle in candles {
                    try statement.bind([
                        .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: candle.timestampNanoseconds)),
                        .string(candle.symbol), .string(candle.interval), .double(candle.open), .double(candle.high),
                        .double(candle.low), .double(candle.close), .double(candle.volume),
                    ])
                    try statement.execute()
                }
            }
        }
    }

    /// Stored candles of `symbol` at `interval`, oldest first.
    public func candles(symbol: String, interval: String) async throws -> [Candle] {
        try await read { connection in
            var candles: [Candle] = []
            let result = try connection.query(
                """
                SELECT ts, open, high, low, close, volume FROM candles
                WHERE symbol = ? AND "interval" = ? ORDER BY ts
                """, [.string(symbol), .string(interval)])
            while let chunk = try result.nextChunk() {
                let ts = try chunk.column(0, as: TimestampNanos.self)
                let values = try (1...5).map { try chunk.column($0, as: Double.self) }
                for row in 0..<chunk.count {
                    candles.append(Candle(
                        timestampNanoseconds: ts[row]!.nanosecondsSinceEpoch, symbol: symbol, interval: interval,
                        open: values[0][row]!, high: values[1][row]!, low: values[2][row]!,
                        close: values[3][row]!, volume: values[4][row]!))
                }
            }
            return candles
        }
    }
}
