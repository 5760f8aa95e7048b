import TradewatchCore

/// The query endpoints: latest values, history, time buckets, candles and execution quality.
/// Each takes `min_commit` and `format`, answers JSON, NDJSON or CSV, and says in
/// `X-Tradewatch-Cache` whether the cache answered.
extension OpenAPIDocument {
    static var queryOperations: [Operation] {
        [latestMetrics, latestTrades] + historyOperations + [aggregateMetrics, candles, executionQuality]
    }

    /// Tables with a history endpoint (candles have their own, below).
    static let historyTables: [AnalyticsTable] = [.metrics, .trades, .quotes, .executions, .performance, .logs]

    private static var latestMetrics: Operation {
        operation(
            "get", "/api/v1/metrics/latest", id: "latestMetrics", tag: "Queries", summary: "Latest value of each metric",
            description: "The latest value per metric name and symbol, answered from memory.",
            parameters: [
                queryParameter("name", "Only these metric names (comma-separated).", example: "order_latency.p99"),
                ref("parameters/prefix"),
                queryParameter("symbol", "Only these symbols (comma-separated).", example: "AAPL"),
                ref("parameters/label"),
            ] + queryCommonParameters,
            responses: queryResponses(
                "The latest values.",
                row: object(
                    properties([
                        ("name", "string", "Metric name."), ("symbol", ["string", "null"], "Symbol, if any."),
                        ("ts", "string", "Time of the value, RFC 3339 with nanoseconds."), ("value", "number", "The value."),
                    ]).adding([("labels", ref("schemas/Labels"))]), required: ["name", "ts", "value"]),
                example: [
                    "name": "order_latency.p99", "symbol": "AAPL", "ts": "2026-01-01T00:00:00.000125Z", "value": 480.5,
                    "labels": ["strategy": "mm"],
                ]))
    }

    private static var latestTrades: Operation {
        operation(
            "get", "/api/v1/trades/latest", id: "latestTrades", tag: "Queries", summary: "Latest trade of each symbol",
            description: "The most recent trade per symbol.",
            parameters: [queryParameter("symbol", "Symbols, comma-separated; all when absent.", example: "AAPL,MSFT")]
                + queryCommonParameters,
            responses: queryResponses(
                "The latest trades.",
                row: object(
                    properties([
                        ("symbol", "string", "Symbol."), ("ts", "string", "RFC 3339 with nanoseconds."),
                        ("price", "number", "Price."), ("qty", "number", "Quantity."), ("venue", ["string", "null"], "Venue."),
                        ("side", ["string", "null"], "`buy` or `sell`."), ("trade_id", ["string", "null"], "Trade id."),
                    ]), required: ["symbol", "ts", "price", "qty"]),
                example: [
                    "symbol": "AAPL", "ts": "2026-01-01T00:00:00.000125Z", "price": 187.25, "qty": 100, "venue": "XNAS",
                    "side": "buy", "trade_id": "t-1",
                ]))
    }

    private static var historyOperations: [Operation] {
        historyTables.map { table in
            let filters = filterParameters.filter { table.columnIndex($0.name) != nil }.map { ref("parameters/filter.\($0.name)") }
            return operation(
                "get", "/api/v1/\(table.rawValue)", id: "history\(rowSchemaName(table).dropLast(3))", tag: "Queries",
                summary: "\(table.rawValue.prefix(1).uppercased() + table.rawValue.dropFirst()) history",
                description: """
                    Stored `\(table.rawValue)` rows in a time range (default: the last hour), page by page: pass \
                    `next` (also in `X-Tradewatch-Next-Cursor`) as `cursor` for the following page. JSON gives \
                    `{"rows": […], "next": …}`, NDJSON one row object per line, CSV a header line and one line per row.
                    """,
                parameters: [
                    ref("parameters/start"), ref("parameters/end"), ref("parameters/order"), ref("parameters/limit"),
                    ref("parameters/cursor"),
                ] + filters + (table == .metrics ? [ref("parameters/prefix")] : []) + [ref("parameters/label")]
                    + queryCommonParameters,
                responses: queryResponses(
                    "One page of rows.", row: ref("schemas/\(rowSchemaName(table))"), example: example(table), paged: true))
        }
    }

    private static var aggregateMetrics: Operation {
        let functions: [OpenAPIValue] = ["avg", "min", "max", "sum", "count", "first", "last", "p50", "p95", "p99", "stddev"]
        return operation(
            "get", "/api/v1/metrics/aggregate", id: "aggregateMetrics", tag: "Queries", summary: "Metric in time buckets",
            description: "One row per time bucket (and group), with the chosen aggregate functions of the metric's values.",
            parameters: [
                queryParameter("name", "The metric.", required: true, example: "order_latency.p99"),
                queryParameter(
                    "bucket", "Bucket width, e.g. `10s`, `1m`, `1h`.", schema: ["type": "string", "default": "1m"]),
                queryParameter(
                    "fn", "Aggregate functions, comma-separated.",
                    schema: ["type": "array", "items": ["type": "string", "enum": .array(functions)], "default": ["avg"]],
                    example: ["avg", "p99"]
                ).adding([("style", "form"), ("explode", false)]),
                queryParameter(
                    "fill",
                    "What empty buckets hold: `null`, the previous value, a linear interpolation, or zero. Absent: only buckets with values are returned.",
                    schema: ["type": "string", "enum": ["null", "previous", "linear", "zero"]]),
                queryParameter("group", "Group by `symbol` or by a label, `label.<key>`.", example: "symbol"),
                ref("parameters/start"), ref("parameters/end"), ref("parameters/filter.symbol"), ref("parameters/label"),
            ] + queryCommonParameters,
            responses: queryResponses(
                "The buckets, in time order.",
                row: [
                    "type": "object", "required": ["ts"],
                    "description": "`ts` (bucket start), the group column when grouped (`symbol` or `label.<key>`), and one member per function.",
                    "properties": .object(
                        [(key: "ts", value: typed("string", "Bucket start, RFC 3339."))]
                            + functions.compactMap(\.string).map { (key: $0, value: typed(["number", "null"], "The \($0) of the bucket's values.")) }),
                    "additionalProperties": ["type": ["string", "null"], "description": "The group column."],
                ],
                example: ["ts": "2026-01-01T00:01:00Z", "symbol": "AAPL", "avg": 131.2, "p99": 480.5]))
    }

    private static var candles: Operation {
        operation(
            "get", "/api/v1/candles", id: "candles", tag: "Queries", summary: "OHLCV candles",
            description: """
                Candles of one symbol at the given interval (default range: the last 500 intervals), computed \
                from trades (`source` `trades`) or, where there are none, taken from stored candles (`source` \
                `stored`, without `vwap`, `trade_count` and `avg_price`). Whole-minute intervals without                 `venue`, over ranges inside the last `--candle-memory-hours` (48) hours, are answered from                 one-minute bars the server keeps in memory (header `X-Tradewatch-Source: memory`): the same                 bytes as the SQL would give.
                """,
            parameters: [
                queryParameter("symbol", "The symbol.", required: true, example: "AAPL"),
                queryParameter(
                    "interval", "Candle length, from `1s` to `1d`.", schema: ["type": "string", "default": "1m"], example: "5m"),
                ref("parameters/start"), ref("parameters/end"), ref("parameters/filter.venue"),
                queryParameter("limit", "Most candles.", schema: ["type": "integer", "minimum": 1, "maximum": 100_000]),
            ] + queryCommonParameters,
            responses: queryResponses(
                "The candles, in time order.",
                row: object(
                    properties([
                        ("ts", "string", "Candle start, RFC 3339."), ("symbol", "string", "Symbol."),
                        ("open", "number", "First price."), ("high", "number", "Highest price."),
                        ("low", "number", "Lowest price."), ("close", "number", "Last price."),
                        ("volume", "number", "Quantity traded."),
                        ("vwap", ["number", "null"], "Volume-weighted average price."),
                        ("trade_count", ["integer", "null"], "Trades in the candle."),
                        ("avg_price", ["number", "null"], "Plain average of trade prices."),
                        ("source", ["type": "string", "enum": ["trades", "stored"]], "Where the candle came from."),
                    ]), required: ["ts", "symbol", "open", "high", "low", "close", "volume"]),
                example: [
                    "ts": "2026-01-01T00:00:00Z", "symbol": "AAPL", "open": 187.1, "high": 187.4, "low": 187.0,
                    "close": 187.25, "volume": 12500, "vwap": 187.22, "trade_count": 48, "avg_price": 187.21,
                    "source": "trades",
                ], fromMemory: true))
    }

    /// `(name, JSON type, description)` entries as a `properties` object.
    static func properties(_ entries: [(String, OpenAPIValue, String)]) -> OpenAPIValue {
        .object(entries.map { (key: $0.0, value: typed($0.1, $0.2)) })
    }

    /// A 200 response of rows in JSON, NDJSON or CSV, plus the errors every query may give.
    static func queryResponses(
        _ description: String, row: OpenAPIValue, example: OpenAPIValue, paged: Bool = false, fromMemory: Bool = false
    ) -> OpenAPIValue {
        var members: [(key: String, value: OpenAPIValue)] = [("rows", array(row))]
        var headers: [(key: String, value: OpenAPIValue)] = [("X-Tradewatch-Cache", ref("headers/X-Tradewatch-Cache"))]
        if fromMemory { headers.append(("X-Tradewatch-Source", ref("headers/X-Tradewatch-Source"))) }
        var jsonExample: OpenAPIValue = ["rows": [example]]
        if paged {
            members.append(("next", typed(["string", "null"], "Cursor of the next page; `null` on the last page.")))
            headers.append(("X-Tradewatch-Next-Cursor", ref("headers/X-Tradewatch-Next-Cursor")))
            jsonExample = jsonExample.adding([("next", "eyJ0cyI6MTc2NzIyNTYwMH0")])
        }
        let json = object(.object(members), required: members.map(\.key))
        return responses(description, json: json, example: jsonExample, headers: .object(headers))
    }

    /// A 200 response with the three formats, plus the errors every query may give.
    static func responses(
        _ description: String, json: OpenAPIValue, example: OpenAPIValue, headers: OpenAPIValue
    ) -> OpenAPIValue {
        let content = media("application/json", json, example: example).members
            + media("application/x-ndjson", ["type": "string", "description": "One JSON object per row, one per line."]).members
            + media("text/csv", ["type": "string", "description": "A header line, then one line per row."]).members
        return .object(
            [(key: "200", value: response(description, content: .object(content), headers: headers))] + queryErrorResponses)
    }
}
