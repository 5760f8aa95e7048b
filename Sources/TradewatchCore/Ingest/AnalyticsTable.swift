/// The analytics tables data is written to, with their columns in storage order.
public enum AnalyticsTable: String, Sendable, CaseIterable, Hashable {
    case metrics, trades, quotes, candles, executions, performance, logs

    /// Columns a producer provides, in the table's order (the commit sequence column, which the
    /// writer adds, is not among them).
    public var columns: [ColumnSpec] { Self.layouts[ordinal].columns }

    /// Position of the table in `allCases`, for array-indexed per-table state.
    public var ordinal: Int {
        switch self {
        case .metrics: 0
        case .trades: 1
        case .quotes: 2
        case .candles: 3
        case .executions: 4
        case .performance: 5
        case .logs: 6
        }
    }

    /// Columns and name lookups, built once: they are read for every ingested value.
    private static let layouts: [(columns: [ColumnSpec], indexes: [String: Int])] = allCases.map { table in
        let columns = table.declaredColumns
        var indexes: [String: Int] = [:]
        for (index, spec) in columns.enumerated() where spec.kind != .labels { indexes[spec.name] = index }
        return (columns, indexes)
    }

    private var declaredColumns: [ColumnSpec] {
        switch self {
        case .metrics:
            [.time, .init("name", .text, required: true), .init("symbol", .text), .init("value", .double, required: true),
             .labels("labels")]
        case .trades:
            [.time, .init("symbol", .text, required: true), .init("venue", .text),
             .init("price", .double, required: true), .init("qty", .double, required: true, nonNegative: true),
             .init("side", .text), .init("trade_id", .text), .labels("labels")]
        case .quotes:
            [.time, .init("symbol", .text, required: true), .init("venue", .text), .init("bid", .double),
             .init("ask", .double), .init("bid_size", .double, nonNegative: true),
             .init("ask_size", .double, nonNegative: true), .labels("labels")]
        case .candles:
            [.time, .init("symbol", .text, required: true), .init("interval", .text, required: true),
             .init("open", .double, required: true), .init("high", .double, required: true),
             .init("low", .double, required: true), .init("close", .double, required: true),
             .init("volume", .double, required: true, nonNegative: true), .labels("labels")]
        case .executions:
            [.time, .init("order_id", .text, required: true), .init("strategy", .text),
             .init("symbol", .text, required: true), .init("side", .text),
             .init("qty", .double, required: true, nonNegative: true), .init("price", .double, required: true),
             .init("fee", .double), .init("venue", .text), .init("latency_us", .integer, nonNegative: true),
             .init("correlation_id", .text), .labels("labels")]
        case .performance:
            [.time, .init("strategy", .text, required: true), .init("pnl", .double), .init("realized_pnl", .double),
             .init("unrealized_pnl", .double), .init("position", .double), .init("exposure", .double),
             .init("drawdown", .double), .labels("labels")]
        case .logs:
            [.time, .init("level", .text, required: true), .init("service", .text),
             .init("message", .text, required: true), .init("correlation_id", .text), .labels("attributes")]
        }
    }

    /// Index of the column named `name`, if the table has one (labels excluded: they are not
    /// addressed by name).
    public func columnIndex(_ name: String) -> Int? {
        Self.layouts[ordinal].indexes[name]
    }

    /// Index of the labels (or attributes) column.
    public var labelsIndex: Int { columns.count - 1 }
}

/// One column a producer fills.
public struct ColumnSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Nanoseconds since the epoch.
        case timestamp
        case text
        case double
        case integer
        /// A JSON object of everything a row carried beyond the typed columns.
        case labels
    }

    public let name: String
    public let kind: Kind
    public let required: Bool
    /// Negative values are meaningless (quantities, sizes, volumes, latencies).
    public let nonNegative: Bool

    public init(_ name: String, _ kind: Kind, required: Bool = false, nonNegative: Bool = false) {
        self.name = name
        self.kind = kind
        self.required = required
        self.nonNegative = nonNegative
    }

    public static let time = ColumnSpec("ts", .timestamp, required: true)
    public static func labels(_ name: String) -> ColumnSpec { ColumnSpec(name, .labels) }
}
