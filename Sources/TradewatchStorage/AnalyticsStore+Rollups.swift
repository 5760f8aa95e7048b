import DuckDB

extension AnalyticsStore {
    /// The rollup's name in `tradewatch_rollups`, and its table.
    public static let tradesRollupName = "trades_1m"

    /// Aggregates turning trades rows (`ts`, `price`, `qty`) into the partial-candle columns of
    /// `trades_1m` that follow symbol, venue and bucket. Ties on `ts` are broken by price, so
    /// open and close do not depend on the order rows were read or folded in.
    public static let tradePartialAggregates = """
        arg_min(price, (ts, price)) AS open, min(ts) AS open_ts, max(price) AS high, min(price) AS low,
        arg_max(price, (ts, price)) AS close, max(ts) AS close_ts, sum(qty) AS volume,
        sum(price * qty) AS notional, sum(price) AS price_sum, count(*) AS trade_count
        """

    /// Folds trades committed since the last refresh into the one-minute rollup `trades_1m` and
    /// advances its watermark, in one transaction; returns the number of trades folded.
    ///
    /// Runs on the upkeep connection, beside the writer, so it never holds up ingestion's commits
    /// (it sees only committed trades, and writes only the rollup tables). One call folds whole
    /// commits of about `maxRows` trades (more when a single commit is larger) and leaves the
    /// rest to the next call. Trades with an old timestamp merge into the old bucket. Queries stay exact
    /// while the rollup lags, because they add the trades above the watermark themselves.
    @discardableResult
    public func refreshRollups(maxRows: Int = 500_000) async throws -> Int {
        precondition(maxRows > 0, "maxRows must be positive")
        return try await upkeep { connection in
            try connection.transaction {
                let watermark = try Self.rollupWatermark(connection)
                // Commit sequences grow with commit order (one committer), so folding every
                // sequence up to the largest among the next `maxRows` trades folds whole commits.
                let upper = try connection.query(
                    """
                    SELECT max(commit_seq) FROM (
                        SELECT commit_seq FROM trades WHERE commit_seq > ? ORDER BY commit_seq LIMIT ?)
                    """, [.int64(watermark), .int64(Int64(maxRows))]
                ).rows()
                guard case .int64(let sequence) = upper.first?.first else { return 0 }
                let range: [DuckDBValue] = [.int64(watermark), .int64(sequence)]
                let counted = try connection.query(
                    "SELECT count(*) FROM trades WHERE commit_seq > ? AND commit_seq <= ?", range
                ).rows()
                try connection.query(Self.foldSQL, range).forEachChunk { _ in }
                try connection.query(
                    "UPDATE tradewatch_rollups SET watermark = ? WHERE name = ?",
                    [.int64(sequence), .string(Self.tradesRollupName)]
                ).forEachChunk { _ in }
                guard case .int64(let count) = counted.first?.first else { return 0 }
                return Int(count)
            }
        }
    }

    /// The highest commit sequence folded into `trades_1m`; -1 before the first refresh.
    public func rollupWatermark() async throws -> Int64 {
        try await read { try Self.rollupWatermark($0) }
    }

    private static func rollupWatermark(_ connection: Connection) throws -> Int64 {
        let rows = try connection.query(
            "SELECT watermark FROM tradewatch_rollups WHERE name = ?", [.string(tradesRollupName)]
        ).rows()
        guard case .int64(let watermark) = rows.first?.first else {
            throw StoreError("the analytics database has no \(tradesRollupName) rollup row; its schema is damaged")
        }
        return watermark
    }

    /// Merges partials of the trades in `(?, ?]` into existing buckets: the open is the earlier
    /// of the two (the close the later), extremes combine, sums add. Sorted by bucket so the
    /// table stays clustered by time and a time-range query reads few row groups.
    private static let foldSQL = """
        INSERT INTO trades_1m
        SELECT symbol, venue, make_timestamp_ns(bucket) AS bucket, \(tradePartialAggregates)
        FROM (
            SELECT symbol, coalesce(venue, '') AS venue, ts, price, qty,
                epoch_ns(ts) - ((epoch_ns(ts) % 60000000000) + 60000000000) % 60000000000 AS bucket
            FROM trades WHERE commit_seq > ? AND commit_seq <= ?)
        GROUP BY symbol, venue, bucket
        ORDER BY bucket, symbol, venue
        ON CONFLICT (symbol, venue, bucket) DO UPDATE SET
            open = CASE WHEN (excluded.open_ts, excluded.open) < (open_ts, open) THEN excluded.open ELSE open END,
            open_ts = least(open_ts, excluded.open_ts),
            high = greatest(high, excluded.high), low = least(low, excluded.low),
            close = CASE WHEN (excluded.close_ts, excluded.close) > (close_ts, close) THEN excluded.close ELSE close END,
            close_ts = greatest(close_ts, excluded.close_ts),
            volume = volume + excluded.volume, notional = notional + excluded.notional,
            price_sum = price_sum + excluded.price_sum, trade_count = trade_count + excluded.trade_count
        """
}
