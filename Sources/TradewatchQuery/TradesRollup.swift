public import DuckDB
import TradewatchStorage

/// SQL yielding exact partial candles of one symbol's trades: one row per venue and bucket with
/// columns symbol, venue (`''` for none), bucket (TIMESTAMP_NS), open, open_ts, high, low, close,
/// close_ts, volume, notional (sum of price × qty), price_sum and trade_count. Callers combine
/// partials of a wider bucket with `arg_min(open, (open_ts, open))`, `max(high)`, `min(low)`,
/// `arg_max(close, (close_ts, close))` and sums.
///
/// One-minute partials read the `trades_1m` rollup up to its watermark plus the trades committed
/// after it, in one statement (one snapshot), so they are exact however far the rollup lags. The
/// trades part stays cheap because commit sequences grow with the table: the watermark becomes a
/// filter that skips every folded row group.
public struct TradesRollup: Sendable, Hashable {
    public static let minute: Int64 = 60_000_000_000

    /// A `SELECT` with `?` placeholders, to embed as a subquery or CTE.
    public let sql: String
    /// Values for the placeholders of ``sql``, in order.
    public let parameters: [DuckDBValue]

    /// One-minute partials of `symbol` (at `venue` when given) for trades in `range`, whose
    /// bounds must be whole minutes since the epoch. Always reads the live `trades`: archived
    /// trades were folded into the rollup before they left DuckDB (the archiver cuts trades at
    /// the rollup's watermark), so none above the watermark is ever archived.
    public static func minutes(symbol: String, venue: String?, range: Range<Int64>) -> TradesRollup {
        precondition(
            range.lowerBound.isMultiple(of: minute) && range.upperBound.isMultiple(of: minute),
            "rollup ranges are whole minutes")
        let venueFilter = venue == nil ? "" : " AND venue = ?"
        let filters = Self.filters(symbol: symbol, venue: venue, range: range)
        let rolledUp = """
            SELECT symbol, venue, bucket, open, open_ts, high, low, close, close_ts, volume, notional, price_sum, trade_count
            FROM \(AnalyticsStore.tradesRollupName)
            WHERE symbol = ?\(venueFilter) AND bucket >= ? AND bucket < ?
            """
        let recent = rawSQL(
            width: minute,
            extraFilter: "commit_seq > (SELECT watermark FROM tradewatch_rollups WHERE name = '\(AnalyticsStore.tradesRollupName)') AND ",
            venue: venue, relation: "trades")
        return TradesRollup(sql: "\(rolledUp)\nUNION ALL\n\(recent)", parameters: filters + filters)
    }

    /// Partials of `width`-wide buckets (aligned to the epoch) computed from the trades table
    /// alone, for widths the rollup cannot serve; `range` should be whole buckets. `relations`
    /// says where trades are read from (`trades_all` for ranges reaching archived days).
    public static func raw(
        symbol: String, venue: String?, range: Range<Int64>, width: Int64, relations: SourceRelations = .live
    ) -> TradesRollup {
        TradesRollup(
            sql: rawSQL(width: width, extraFilter: "", venue: venue, relation: relations(.trades)),
            parameters: filters(symbol: symbol, venue: venue, range: range))
    }

    private static func filters(symbol: String, venue: String?, range: Range<Int64>) -> [DuckDBValue] {
        [.string(symbol)] + (venue.map { [.string($0)] } ?? []) + [
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.lowerBound)),
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.upperBound)),
        ]
    }

    /// Parameters: symbol, venue (when given), start, end. The width is a number we computed,
    /// written into the text so the bucket arithmetic folds into constants.
    private static func rawSQL(width: Int64, extraFilter: String, venue: String?, relation: String) -> String {
        """
        SELECT symbol, venue, make_timestamp_ns(bucket) AS bucket, \(AnalyticsStore.tradePartialAggregates)
        FROM (
            SELECT symbol, coalesce(venue, '') AS venue, ts, price, qty,
                epoch_ns(ts) - ((epoch_ns(ts) % \(width)) + \(width)) % \(width) AS bucket
            FROM \(relation)
            WHERE \(extraFilter)symbol = ?\(venue == nil ? "" : " AND venue = ?") AND ts >= ? AND ts < ?)
        GROUP BY symbol, venue, bucket
        """
    }
}
