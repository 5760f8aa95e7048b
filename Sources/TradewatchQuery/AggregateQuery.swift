import DuckDB
import TradewatchCore

/// `GET /api/v1/metrics/aggregate`: one metric's values summarised per time bucket, optionally
/// per symbol or per label value.
///
/// Buckets are aligned to the epoch (a `1m` bucket starts on a whole minute) and rows carry their
/// bucket's start as `ts`, so the first bucket may begin before `start`; only points within
/// `[start, end)` count. Rows come ordered by group, then `ts`; one column per function, named
/// after it.
///
/// Without `fill`, only buckets holding points are returned. With `fill`, every bucket overlapping
/// `[start, end)` is returned for each group holding a point in the range (ungrouped: always, so
/// a `count` with `fill=zero` reads 0 where nothing happened), and buckets without points get:
/// - `null`: NULL;
/// - `zero`: 0;
/// - `previous`: the function's latest non-NULL value in an earlier bucket of the same group;
/// - `linear`: the value interpolated in time between the nearest non-NULL buckets of the group
///   on either side; NULL when one side has none.
///
/// `count` is 0 in an empty bucket whatever the mode: nothing was counted. Buckets holding points
/// are never changed by filling (a one-point bucket's `stddev` stays NULL).
public struct AggregateQuery: PlannedQuery {
    public enum Function: String, Sendable, CaseIterable {
        case avg, min, max, sum, count, first, last, p50, p95, p99, stddev

        /// `first` and `last` go by timestamp; percentiles interpolate; `stddev` is the sample one.
        var aggregate: String {
            switch self {
            case .avg: "avg(value)"
            case .min: "min(value)"
            case .max: "max(value)"
            case .sum: "sum(value)"
            case .count: "count(value)"
            case .first: "arg_min(value, point_ts)"
            case .last: "arg_max(value, point_ts)"
            case .p50: "quantile_cont(value, 0.5)"
            case .p95: "quantile_cont(value, 0.95)"
            case .p99: "quantile_cont(value, 0.99)"
            case .stddev: "stddev_samp(value)"
            }
        }

        var column: String { "\"\(rawValue)\"" }
    }

    public enum Fill: String, Sendable, CaseIterable {
        case null, previous, linear, zero
    }

    public enum Grouping: Sendable, Hashable {
        case symbol
        /// By the value of a label (`group=label.desk`); the column is named after the key.
        case label(String)
    }

    public static let maximumBuckets: Int64 = 100_000
    public static let defaultSpan: Int64 = 3_600_000_000_000

    public let name: String
    public let bucket: BucketWidth
    public let functions: [Function]
    public let fill: Fill?
    public let grouping: Grouping?
    public let range: Range<Int64>
    public let symbols: [String]
    public let labels: [(key: String, value: String)]
    /// Index, counted from the epoch, of the bucket holding `start`.
    private let firstBucket: Int64
    /// How many buckets overlap `[start, end)`.
    public let bucketCount: Int64
    /// Where `metrics` is read from; ``plans`` builds its statement for both.
    private var relations = SourceRelations.live

    public init(parameters: inout QueryParameters, now: Int64) throws {
        name = try parameters.required("name")
        bucket = try BucketWidth(parameters.string("bucket") ?? "1m", parameter: "bucket")
        functions = try Self.functions(parameters.list("fn"))
        fill = try parameters.string("fill").map { text in
            guard let fill = Fill(rawValue: text) else {
                throw QueryError(
                    "parameter fill must be one of \(Fill.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"",
                    parameter: "fill")
            }
            return fill
        }
        grouping = try parameters.string("group").map(Self.grouping)
        range = try parameters.timeRange(now: now, defaultSpan: Self.defaultSpan)
        symbols = parameters.list("symbol")
        labels = try parameters.labels()

        firstBucket = Self.bucketIndex(range.lowerBound, width: bucket.nanoseconds)
        bucketCount = Self.bucketIndex(range.upperBound - 1, width: bucket.nanoseconds) - firstBucket + 1
        guard bucketCount <= Self.maximumBuckets else {
            let span = "\(RFC3339.format(nanoseconds: range.lowerBound)) to \(RFC3339.format(nanoseconds: range.upperBound))"
            throw QueryError(
                "bucket \(bucket) splits \(span) into \(bucketCount) buckets; at most \(Self.maximumBuckets) are allowed: "
                    + "use a wider bucket or a shorter range",
                parameter: "bucket")
        }
    }

    public var plans: [NamedPlan] {
        var arguments: [DuckDBValue] = []
        let sql = fill.map { filledSQL($0, &arguments) } ?? bucketedSQL(&arguments)
        var plan = QueryPlan(sql: sql, parameters: arguments, tables: [.metrics], window: range)
        if !relations.archived {
            var archive = self
            archive.relations = .withArchive
            plan.archived = ArchivedSource(sql: archive.plans[0].plan.sql, reach: range)
        }
        return [NamedPlan("rows", plan)]
    }

    // MARK: Parameters

    private static func functions(_ names: [String]) throws -> [Function] {
        guard !names.isEmpty else { return [.avg] }
        var functions: [Function] = []
        for name in names {
            guard let function = Function(rawValue: name) else {
                throw QueryError(
                    "parameter fn: unknown function \"\(name)\"; valid ones are \(Function.allCases.map(\.rawValue).joined(separator: ", "))",
                    parameter: "fn")
            }
            guard !functions.contains(function) else {
                throw QueryError("parameter fn names \(name) twice", parameter: "fn")
            }
            functions.append(function)
        }
        return functions
    }

    /// The label key becomes a column name, so it is held to characters that need no escaping
    /// and may not clash with another column.
    private static func grouping(_ text: String) throws -> Grouping {
        if text == "symbol" { return .symbol }
        guard text.hasPrefix("label."), text.count > "label.".count else {
            throw QueryError("parameter group must be symbol or label.<key>, not \"\(text)\"", parameter: "group")
        }
        let key = String(text.dropFirst("label.".count))
        let allowed = { (scalar: Unicode.Scalar) in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.:/".unicodeScalars.contains(scalar)
        }
        guard key.unicodeScalars.allSatisfy(allowed) else {
            throw QueryError(
                "parameter group: label key \"\(key)\" may hold only letters, digits and _ - . : /", parameter: "group")
        }
        guard key != "ts", Function(rawValue: key) == nil else {
            throw QueryError("parameter group: label key \"\(key)\" clashes with the output column of the same name", parameter: "group")
        }
        return .label(key)
    }

    /// `floor(time / width)`: buckets before the epoch round down too.
    private static func bucketIndex(_ time: Int64, width: Int64) -> Int64 {
        let (quotient, remainder) = time.quotientAndRemainder(dividingBy: width)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// A JSON pointer (RFC 6901) to a top-level key, so that any key, even one holding `.` or
    /// `/`, is looked up as written.
    private static func jsonPointer(_ key: String) -> String {
        key.reduce(into: "/") { pointer, character in
            switch character {
            case "~": pointer += "~0"
            case "/": pointer += "~1"
            default: pointer.append(character)
            }
        }
    }

    // MARK: SQL

    private var groupColumn: String {
        switch grouping {
        case nil: ""
        case .symbol: ", grp AS \"symbol\""
        case .label(let key): ", grp AS \"\(key)\""
        }
    }

    /// `ts` from the bucket index, as `TIMESTAMP_NS`.
    private func bucketStart(_ arguments: inout [DuckDBValue]) -> String {
        arguments += [.int64(firstBucket), .int64(bucket.nanoseconds)]
        return "make_timestamp_ns((?::BIGINT + bucket) * ?::BIGINT) AS ts"
    }

    /// The metric's points in range: bucket index (0 for the bucket holding `start`), group, time, value.
    private func pointsSQL(_ arguments: inout [DuckDBValue]) -> String {
        // Counted from `start` so that the division never sees a negative number (`//` truncates).
        let remainder = range.lowerBound % bucket.nanoseconds
        let startInBucket = remainder < 0 ? remainder + bucket.nanoseconds : remainder
        var sql = "SELECT (epoch_ns(ts) - ?::BIGINT + ?::BIGINT) // ?::BIGINT AS bucket, "
        arguments += [.int64(range.lowerBound), .int64(startInBucket), .int64(bucket.nanoseconds)]
        switch grouping {
        case nil: sql += "NULL::VARCHAR AS grp, "
        case .symbol: sql += "symbol AS grp, "
        case .label(let key):
            sql += "json_extract_string(labels, ?) AS grp, "
            arguments.append(.string(Self.jsonPointer(key)))
        }
        sql += "ts AS point_ts, value FROM \(relations(.metrics)) WHERE name = ? AND ts >= ? AND ts < ?"
        arguments += [
            .string(name), .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.lowerBound)),
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.upperBound)),
        ]
        if !symbols.isEmpty {
            sql += " AND symbol IN (\(Array(repeating: "?", count: symbols.count).joined(separator: ", ")))"
            arguments += symbols.map(DuckDBValue.string)
        }
        for label in labels {
            sql += " AND json_extract_string(labels, ?) = ?"
            arguments += [.string(Self.jsonPointer(label.key)), .string(label.value)]
        }
        return sql
    }

    private var aggregates: String {
        functions.map { "\($0.aggregate) AS \($0.column)" }.joined(separator: ", ")
    }

    private func bucketedSQL(_ arguments: inout [DuckDBValue]) -> String {
        let start = bucketStart(&arguments)
        let points = pointsSQL(&arguments)
        return """
            SELECT \(start)\(groupColumn), \(aggregates)
            FROM (\(points)) AS points
            GROUP BY bucket, grp
            ORDER BY grp, bucket
            """
    }

    /// Every bucket of every group, empty ones joined in as NULL, then filled from the nearest
    /// buckets before and after that hold a value.
    ///
    /// Each neighbour is found by one window function returning a struct of the bucket and its
    /// values, shared by every function that is never NULL where points are (each window costs
    /// about as much as the whole aggregation); `stddev`, NULL in a one-point bucket, gets its own.
    private func filledSQL(_ fill: Fill, _ arguments: inout [DuckDBValue]) -> String {
        let points = pointsSQL(&arguments)
        arguments.append(.int64(bucketCount))
        let start = bucketStart(&arguments)
        let groups = grouping == nil ? "SELECT NULL::VARCHAR AS grp" : "SELECT DISTINCT grp FROM points"
        let filled = functions.map { "\(Self.filled($0, fill)) AS \($0.column)" }.joined(separator: ", ")
        var neighbours: [String] = []
        let filledFunctions = functions.filter { $0 != .count }
        let sides: [(name: String, window: String, function: String)] = switch fill {
        case .null, .zero: []
        case .previous: [("earlier_values", "earlier", "last_value")]
        case .linear: [("earlier_values", "earlier", "last_value"), ("later_values", "later", "first_value")]
        }
        let shared = filledFunctions.filter { $0 != .stddev }
        for side in sides {
            if !shared.isEmpty {
                let fields = shared.map { "'\($0.rawValue)': \($0.column)" }.joined(separator: ", ")
                neighbours.append(
                    "\(side.function)(CASE WHEN point_count IS NOT NULL THEN {'bucket': bucket, \(fields)} END IGNORE NULLS) OVER \(side.window) AS \(side.name)")
            }
            if filledFunctions.contains(.stddev) {
                neighbours.append(
                    "\(side.function)(CASE WHEN \"stddev\" IS NOT NULL THEN {'bucket': bucket, 'stddev': \"stddev\"} END IGNORE NULLS) OVER \(side.window) AS \(side.name)_stddev")
            }
        }
        let neighbourColumns = neighbours.isEmpty ? "" : ", " + neighbours.joined(separator: ",\n        ")
        return """
            WITH points AS (\(points)),
            aggregated AS (
                SELECT bucket, grp, count(*) AS point_count, \(aggregates) FROM points GROUP BY bucket, grp),
            grid AS (
                SELECT buckets.bucket, groups.grp FROM range(?::BIGINT) AS buckets(bucket) CROSS JOIN (\(groups)) AS groups),
            series AS (
                SELECT grid.bucket, grid.grp, aggregated.point_count, \(functions.map { "aggregated.\($0.column)" }.joined(separator: ", "))
                FROM grid LEFT JOIN aggregated
                ON aggregated.bucket = grid.bucket AND aggregated.grp IS NOT DISTINCT FROM grid.grp),
            neighboured AS (
                SELECT *\(neighbourColumns)
                FROM series
                WINDOW earlier AS (PARTITION BY grp ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                    later AS (PARTITION BY grp ORDER BY bucket ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING))
            SELECT \(start)\(groupColumn), \(filled)
            FROM neighboured
            ORDER BY grp, bucket
            """
    }

    private static func filled(_ function: Function, _ fill: Fill) -> String {
        let value = function.column
        if function == .count { return "coalesce(\(value), 0)" }
        let suffix = function == .stddev ? "_stddev" : ""
        let (before, after) = ("earlier_values\(suffix)", "later_values\(suffix)")
        let filling: String
        switch fill {
        case .null: return value
        case .zero: filling = "0"
        case .previous: filling = "\(before).\(value)"
        case .linear:
            filling = "\(before).\(value) + (\(after).\(value) - \(before).\(value)) * (bucket - \(before).bucket) / (\(after).bucket - \(before).bucket)"
        }
        return "CASE WHEN point_count IS NULL THEN \(filling) ELSE \(value) END"
    }
}
