import DuckDB
import TradewatchCore

/// `GET /api/v1/candles?symbol=…&interval=1m&start=…&end=…&venue=…&limit=…`: OHLCV candles of
/// one symbol, one row per bucket that has trades or a stored candle, oldest first.
///
/// Buckets are aligned to the epoch and whole: the range is widened to bucket bounds, so the
/// first and last candles hold all their trades. Candles come from trades (`source` `trades`,
/// with vwap, trade_count and avg_price); a bucket without trades falls back to a candle stored
/// for the same symbol and interval text (`source` `stored`, those three NULL). Stored candles
/// have no venue, so a `venue` filter leaves them out. Whole-minute intervals read the
/// one-minute rollup (``TradesRollup``); shorter or ragged ones read the trades.
///
/// The server answers most whole-minute requests (no venue, range inside the memory window, no
/// stored candles for the symbol and interval) from ``MinuteBars`` instead, with the same bytes;
/// this statement is the reference and the fallback.
public struct CandlesQuery: PlannedQuery {
    public static let maxBuckets: Int64 = 100_000
    public static let defaultBuckets: Int64 = 500

    public let symbol: String
    public let venue: String?
    public let interval: BucketWidth
    /// Whole buckets covering the requested range.
    public let range: Range<Int64>
    public let limit: Int?
    /// Where trades and stored candles are read from; ``plans`` builds its statement for both.
    private var relations = SourceRelations.live

    public init(parameters: inout QueryParameters, now: Int64) throws {
        symbol = try parameters.required("symbol")
        venue = try parameters.string("venue")
        interval = try BucketWidth(
            parameters.string("interval") ?? "1m", parameter: "interval", range: 1_000_000_000...86_400_000_000_000)
        limit = try parameters.integer("limit", in: 1...Int(Self.maxBuckets))
        let requested = try parameters.timeRange(now: now, defaultSpan: Self.defaultBuckets * interval.nanoseconds)
        range = try Self.wholeBuckets(requested, width: interval.nanoseconds, intervalText: interval.text)
    }

    /// `requested` widened to bucket bounds; throws when that is more than ``maxBuckets``.
    static func wholeBuckets(_ requested: Range<Int64>, width: Int64, intervalText: String) throws -> Range<Int64> {
        let remainder = (requested.lowerBound % width + width) % width
        let (start, startOverflow) = requested.lowerBound.subtractingReportingOverflow(remainder)
        let (span, spanOverflow) = requested.upperBound.subtractingReportingOverflow(start)
        guard !startOverflow, !spanOverflow, (span - 1) / width < Self.maxBuckets else {
            throw QueryError(
                "start to end spans more than \(Self.maxBuckets) candles of interval \(intervalText); narrow the range or widen the interval",
                parameter: "start")
        }
        let buckets = (span - 1) / width + 1
        let (end, endOverflow) = start.addingReportingOverflow(buckets * width)
        guard !endOverflow else {
            throw QueryError("end is too far in the future for interval \(intervalText)", parameter: "end")
        }
        return start..<end
    }

    public var plans: [NamedPlan] {
        let width = interval.nanoseconds
        let partials = width.isMultiple(of: TradesRollup.minute)
            ? TradesRollup.minutes(symbol: symbol, venue: venue, range: range)
            : TradesRollup.raw(symbol: symbol, venue: venue, range: range, width: width, relations: relations)
        let bounds: [DuckDBValue] = [
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.lowerBound)),
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.upperBound)),
        ]
        // Stored candles join only without a venue filter: they carry no venue.
        let stored = venue == nil
            ? """
              SELECT ts, open, high, low, close, volume FROM \(relations(.candles))
              WHERE symbol = ? AND "interval" = ? AND ts >= ? AND ts < ?
              """
            : "SELECT ts, open, high, low, close, volume FROM candles WHERE false"
        let storedParameters: [DuckDBValue] = venue == nil ? [.string(symbol), .string(interval.text)] + bounds : []
        let sql = """
            WITH partials AS (
            \(partials.sql)
            ), traded AS (
                SELECT make_timestamp_ns(epoch_ns(bucket) - ((epoch_ns(bucket) % \(width)) + \(width)) % \(width)) AS ts,
                    arg_min(open, (open_ts, open)) AS open, max(high) AS high, min(low) AS low,
                    arg_max(close, (close_ts, close)) AS close, sum(volume) AS volume, sum(notional) AS notional,
                    sum(price_sum) AS price_sum, sum(trade_count)::BIGINT AS trade_count
                FROM partials GROUP BY 1
            ), stored AS (
            \(stored)
            )
            SELECT coalesce(t.ts, s.ts) AS ts, ?::VARCHAR AS symbol,
                coalesce(t.open, s.open) AS open, coalesce(t.high, s.high) AS high,
                coalesce(t.low, s.low) AS low, coalesce(t.close, s.close) AS close,
                coalesce(t.volume, s.volume) AS volume,
                CASE WHEN t.volume > 0 THEN t.notional / t.volume END AS vwap,
                t.trade_count,
                t.price_sum / t.trade_count AS avg_price,
                CASE WHEN t.ts IS NULL THEN 'stored' ELSE 'trades' END AS source
            FROM traded t FULL OUTER JOIN stored s ON t.ts = s.ts
            ORDER BY 1\(limit == nil ? "" : " LIMIT ?")
            """
        let parameters = partials.parameters + storedParameters + [.string(symbol)] + (limit.map { [.int64(Int64($0))] } ?? [])
        var plan = QueryPlan(sql: sql, parameters: parameters, tables: [.trades, .candles], window: range)
        if !relations.archived {
            var archive = self
            archive.relations = .withArchive
            plan.archived = ArchivedSource(sql: archive.plans[0].plan.sql, reach: range)
        }
        return [NamedPlan("rows", plan)]
    }
}
