import DuckDB
import TradewatchCore

/// `GET /api/v1/executions/quality`: how well fills were priced against the market, per fill
/// (`executions`) and per strategy, symbol and venue (`summary`).
///
/// The **mid** at a time is the latest quote's `(bid + ask) / 2` for the fill's symbol at or before
/// that time, on any venue (quotes missing a side are skipped); when the symbol has no such quote,
/// the latest trade price at or before it. `mid_source` says which (`quote`, `trade`, or NULL when
/// neither exists).
///
/// Sign conventions, in basis points (1/10,000):
/// - `slippage_bps` measures cost against the mid at the fill: positive means we paid more than
///   the mid to buy, or received less than it to sell. Buy: `(price − mid) / mid × 10⁴`;
///   sell: `(mid − price) / mid × 10⁴`.
/// - `markout_<h>_bps` measures where the market went after the fill, relative to the fill price:
///   positive is favourable to us (it rose after we bought, fell after we sold). With `mid_h` the
///   mid at `ts + h` — buy: `(mid_h − price) / price × 10⁴`; sell: `(price − mid_h) / price × 10⁴`.
///   `mid_h` only counts a quote (else a trade) stamped after the fill and at most `h` later; with
///   none, the market after the fill is unknown and the markout is NULL.
///
/// Sides other than `buy` and `sell` (any letter case) have NULL slippage and markouts.
public struct ExecutionQualityQuery: PlannedQuery {
    public static let defaultSpan: Int64 = 86_400_000_000_000
    /// Markout horizons, named as in the column names.
    static let horizons: [(name: String, nanoseconds: Int64)] = [
        ("1s", 1_000_000_000), ("5s", 5_000_000_000), ("60s", 60_000_000_000),
    ]

    public let range: Range<Int64>
    public let strategies: [String]
    public let symbols: [String]
    public let venues: [String]
    /// Where executions, quotes and trades are read from; ``plans`` builds both statements for both.
    private var relations = SourceRelations.live

    public init(parameters: inout QueryParameters, now: Int64) throws {
        range = try parameters.timeRange(now: now, defaultSpan: Self.defaultSpan)
        strategies = parameters.list("strategy")
        symbols = parameters.list("symbol")
        venues = parameters.list("venue")
    }

    /// Both read `executions`, `quotes` and `trades` with no window: the mid of the first fills may
    /// come from a quote or trade of any age before `start`.
    public var plans: [NamedPlan] {
        var fillArguments: [DuckDBValue] = []
        let quality = qualitySQL(&fillArguments)
        let tables: Set<AnalyticsTable> = [.executions, .quotes, .trades]
        var fills = QueryPlan(sql: quality + "\nSELECT * FROM quality ORDER BY ts, order_id", parameters: fillArguments, tables: tables)
        var summary = QueryPlan(sql: quality + "\n" + Self.summarySQL, parameters: fillArguments, tables: tables)
        if !relations.archived {
            // The archive is read when the fills' range or their markout horizon reaches it (a
            // mid from before `start` is taken from the live tables unless that range does).
            var archive = self
            archive.relations = .withArchive
            let archived = archive.plans
            let horizon = range.upperBound.addingReportingOverflow(Self.horizons.map(\.nanoseconds).max() ?? 0)
            let reach = range.lowerBound..<(horizon.overflow ? .max : horizon.partialValue)
            fills.archived = ArchivedSource(sql: archived[0].plan.sql, reach: reach)
            summary.archived = ArchivedSource(sql: archived[1].plan.sql, reach: reach)
        }
        return [NamedPlan("executions", fills), NamedPlan("summary", summary)]
    }

    private static func timestamp(_ nanoseconds: Int64) -> DuckDBValue {
        .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: nanoseconds))
    }

    private static func filter(_ column: String, _ values: [String], _ arguments: inout [DuckDBValue]) -> String {
        guard !values.isEmpty else { return "" }
        arguments += values.map(DuckDBValue.string)
        return " AND \(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))"
    }

    /// Latest marks per symbol of the fills: every one from `start` up to the last markout
    /// horizon, plus the last one before `start`, so the as-of joins sort only the window.
    private func marksSQL(table: String, mark: String, condition: String, _ arguments: inout [DuckDBValue]) -> String {
        let horizon = range.upperBound.addingReportingOverflow(Self.horizons.map(\.nanoseconds).max() ?? 0)
        arguments += [
            Self.timestamp(range.lowerBound), Self.timestamp(horizon.overflow ? .max : horizon.partialValue),
            Self.timestamp(range.lowerBound),
        ]
        return """
            SELECT symbol, ts, \(mark) AS mark FROM \(table)
                WHERE ts >= ? AND ts < ?\(condition) AND symbol IN (SELECT symbol FROM fills)
                UNION ALL
                SELECT symbol, max(ts), arg_max(\(mark), ts) FROM \(table)
                WHERE ts < ?\(condition) AND symbol IN (SELECT symbol FROM fills) GROUP BY symbol
            """
    }

    /// The CTEs ending in `quality`: one row per fill with its mid, slippage and markouts.
    private func qualitySQL(_ arguments: inout [DuckDBValue]) -> String {
        arguments += [Self.timestamp(range.lowerBound), Self.timestamp(range.upperBound)]
        let filters = Self.filter("strategy", strategies, &arguments) + Self.filter("symbol", symbols, &arguments)
            + Self.filter("venue", venues, &arguments)
        let quotes = marksSQL(table: relations(.quotes), mark: "(bid + ask) / 2", condition: " AND bid IS NOT NULL AND ask IS NOT NULL", &arguments)
        let trades = marksSQL(table: relations(.trades), mark: "price", condition: "", &arguments)
        let laterMids = Self.horizons.map { horizon in
            "CASE WHEN q\(horizon.name).ts > fills.ts THEN q\(horizon.name).mark WHEN t\(horizon.name).ts > fills.ts THEN t\(horizon.name).mark END AS mid_\(horizon.name)"
        }
        let laterJoins = Self.horizons.flatMap { horizon in
            ["q", "t"].map { kind in
                let alias = kind + horizon.name
                let source = kind == "q" ? "quote_marks" : "trade_marks"
                return "ASOF LEFT JOIN \(source) AS \(alias) ON \(alias).symbol = fills.symbol AND fills.ts + INTERVAL \(horizon.nanoseconds / 1_000_000_000) SECOND >= \(alias).ts"
            }
        }
        let markouts = Self.horizons.map { horizon in
            "direction * (mid_\(horizon.name) - price) / nullif(price, 0) * 10000 AS markout_\(horizon.name)_bps"
        }
        return """
            WITH fills AS (
                SELECT ts, order_id, strategy, symbol, venue, side, qty, price, fee, latency_us,
                    CASE lower(side) WHEN 'buy' THEN 1 WHEN 'sell' THEN -1 END AS direction
                FROM \(relations(.executions)) WHERE ts >= ? AND ts < ?\(filters)),
            quote_marks AS (\(quotes)),
            trade_marks AS (\(trades)),
            priced AS (
                SELECT fills.*, coalesce(q.mark, t.mark) AS mid,
                    CASE WHEN q.mark IS NOT NULL THEN 'quote' WHEN t.mark IS NOT NULL THEN 'trade' END AS mid_source,
                    \(laterMids.joined(separator: ",\n        "))
                FROM fills
                ASOF LEFT JOIN quote_marks AS q ON q.symbol = fills.symbol AND fills.ts >= q.ts
                ASOF LEFT JOIN trade_marks AS t ON t.symbol = fills.symbol AND fills.ts >= t.ts
                \(laterJoins.joined(separator: "\n    "))),
            quality AS (
                SELECT ts, order_id, strategy, symbol, venue, side, qty, price, fee, latency_us, mid, mid_source,
                    direction * (price - mid) / nullif(mid, 0) * 10000 AS slippage_bps,
                    \(markouts.joined(separator: ",\n        "))
                FROM priced)
            """
    }

    private static let summarySQL = """
        SELECT strategy, symbol, venue, count(*) AS executions, sum(qty) AS qty, sum(qty * price) AS notional,
            sum(fee) AS fees, avg(slippage_bps) AS slippage_bps_mean,
            quantile_cont(slippage_bps, 0.5) AS slippage_bps_p50, quantile_cont(slippage_bps, 0.95) AS slippage_bps_p95,
            quantile_cont(latency_us, 0.5) AS latency_us_p50, quantile_cont(latency_us, 0.95) AS latency_us_p95,
            quantile_cont(latency_us, 0.99) AS latency_us_p99,
            \(horizons.map { "avg(markout_\($0.name)_bps) AS markout_\($0.name)_bps_mean" }.joined(separator: ", "))
        FROM quality
        GROUP BY strategy, symbol, venue
        ORDER BY strategy, symbol, venue
        """
}
