import TradewatchCore

/// Schemas of the analytics tables, generated from ``AnalyticsTable``: what a producer writes
/// (`<Table>Item`) and what a history query returns (`<Table>Row`).
extension OpenAPIDocument {
    static var tableSchemas: [(key: String, value: OpenAPIValue)] {
        AnalyticsTable.allCases.flatMap { table in
            [(key: itemSchemaName(table), value: itemSchema(table)), (key: rowSchemaName(table), value: rowSchema(table))]
        }
    }

    static func itemSchemaName(_ table: AnalyticsTable) -> String { "\(schemaStem(table))Item" }
    static func rowSchemaName(_ table: AnalyticsTable) -> String { "\(schemaStem(table))Row" }

    private static func schemaStem(_ table: AnalyticsTable) -> String {
        table.rawValue.prefix(1).uppercased() + table.rawValue.dropFirst()
    }

    /// One item of a `POST /api/v1/<table>` body.
    static func itemSchema(_ table: AnalyticsTable) -> OpenAPIValue {
        let labels = table.columns[table.labelsIndex].name
        let properties = table.columns.map { column in (key: column.name, value: inputSchema(column)) }
        return [
            "type": "object",
            "description": .string(
                "One row of `\(table.rawValue)`. Keys that are not columns are kept in `\(labels)`, never dropped."),
            "required": .array(table.columns.filter(\.required).map { .string($0.name) }),
            "properties": .object(properties),
            "additionalProperties": ["description": .string("Kept in `\(labels)`.")],
            "examples": [example(table)],
        ]
    }

    /// One row of a history query on `table`.
    static func rowSchema(_ table: AnalyticsTable) -> OpenAPIValue {
        let properties = table.columns.map { column in (key: column.name, value: outputSchema(column)) }
        return [
            "type": "object",
            "description": .string("One stored row of `\(table.rawValue)`."),
            "required": .array(table.columns.filter(\.required).map { .string($0.name) }),
            "properties": .object(properties),
            "examples": [example(table)],
        ]
    }

    private static func inputSchema(_ column: ColumnSpec) -> OpenAPIValue {
        let description = columnDescription(column)
        switch column.kind {
        case .timestamp:
            return [
                "type": ["string", "integer"],
                "description": "RFC 3339 string (`2026-01-01T00:00:00.123456789Z`) or epoch nanoseconds (an integer or a string of digits).",
                "examples": ["2026-01-01T00:00:00.123456789Z", 1_767_225_600_123_456_789],
            ]
        case .text:
            return column.required
                ? ["type": "string", "minLength": 1, "description": .string(description)]
                : typed(["string", "null"], description)
        case .double, .integer:
            var schema: [(key: String, value: OpenAPIValue)] = [
                ("type", column.required ? .string(jsonType(column)) : [.string(jsonType(column)), "null"]),
                ("description", .string(description)),
            ]
            if column.nonNegative { schema.append(("minimum", 0)) }
            return .object(schema)
        case .labels:
            return ref("schemas/Labels")
        }
    }

    private static func outputSchema(_ column: ColumnSpec) -> OpenAPIValue {
        switch column.kind {
        case .timestamp:
            ["type": "string", "format": "date-time", "description": "RFC 3339 with nanoseconds."]
        case .labels:
            ref("schemas/Labels")
        case .text, .double, .integer:
            typed(column.required ? .string(jsonType(column)) : [.string(jsonType(column)), "null"], columnDescription(column))
        }
    }

    private static func jsonType(_ column: ColumnSpec) -> String {
        switch column.kind {
        case .double: "number"
        case .integer: "integer"
        case .timestamp, .text, .labels: "string"
        }
    }

    private static func columnDescription(_ column: ColumnSpec) -> String {
        let text = columnDescriptions[column.name] ?? column.name.replacingOccurrences(of: "_", with: " ")
        return column.nonNegative ? "\(text) Not negative." : text
    }

    private static let columnDescriptions: [String: String] = [
        "name": "Metric name, e.g. `order_latency.p99`.",
        "symbol": "Instrument symbol, e.g. `AAPL`.",
        "value": "The metric's value.",
        "venue": "Venue (market identifier code), e.g. `XNAS`.",
        "price": "Price per unit.",
        "qty": "Quantity.",
        "side": "`buy` or `sell`.",
        "trade_id": "The venue's trade id.",
        "bid": "Best bid price.",
        "ask": "Best ask price.",
        "bid_size": "Quantity at the best bid.",
        "ask_size": "Quantity at the best ask.",
        "interval": "Candle length, e.g. `1m`; a candle replaces the stored one with the same symbol, interval and start.",
        "open": "First price of the interval.",
        "high": "Highest price of the interval.",
        "low": "Lowest price of the interval.",
        "close": "Last price of the interval.",
        "volume": "Quantity traded in the interval.",
        "order_id": "The order's id.",
        "strategy": "The strategy's name.",
        "fee": "Fees paid.",
        "latency_us": "Order-to-fill latency in microseconds.",
        "correlation_id": "Ties the row to a request; a row without one gets the request's `X-Request-ID`.",
        "pnl": "Total profit and loss.",
        "realized_pnl": "Realized profit and loss.",
        "unrealized_pnl": "Unrealized profit and loss.",
        "position": "Net position.",
        "exposure": "Gross exposure.",
        "drawdown": "Drawdown from the high-water mark.",
        "level": "Log level, e.g. `info`.",
        "service": "The service that logged.",
        "message": "The log message.",
    ]

    /// A realistic row of `table`, used as the example of its item and row schemas.
    static func example(_ table: AnalyticsTable) -> OpenAPIValue {
        let ts: OpenAPIValue = "2026-01-01T00:00:00.000125Z"
        switch table {
        case .metrics:
            return ["ts": ts, "name": "order_latency.p99", "symbol": "AAPL", "value": 480.5, "labels": ["strategy": "mm"]]
        case .trades:
            return [
                "ts": ts, "symbol": "AAPL", "venue": "XNAS", "price": 187.25, "qty": 100, "side": "buy", "trade_id": "t-1",
            ]
        case .quotes:
            return [
                "ts": ts, "symbol": "AAPL", "venue": "XNAS", "bid": 187.24, "ask": 187.26, "bid_size": 300, "ask_size": 200,
            ]
        case .candles:
            return [
                "ts": "2026-01-01T00:00:00Z", "symbol": "AAPL", "interval": "1m", "open": 187.1, "high": 187.4,
                "low": 187.0, "close": 187.25, "volume": 12500,
            ]
        case .executions:
            return [
                "ts": ts, "order_id": "o-1", "strategy": "mm", "symbol": "AAPL", "side": "buy", "qty": 100,
                "price": 187.26, "fee": 0.35, "venue": "XNAS", "latency_us": 125, "correlation_id": "req-42",
            ]
        case .performance:
            return [
                "ts": ts, "strategy": "mm", "pnl": 1520.5, "realized_pnl": 1200.0, "unrealized_pnl": 320.5,
                "position": 300, "exposure": 56175.0, "drawdown": -85.25,
            ]
        case .logs:
            return [
                "ts": ts, "level": "info", "service": "oms", "message": "order filled", "correlation_id": "req-42",
                "attributes": ["order_id": "o-1"],
            ]
        }
    }
}
