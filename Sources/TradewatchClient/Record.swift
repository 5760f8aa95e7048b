/// One buffered record of any kind, as the recorder keeps it between `record` and sending:
/// encoding happens on the sending side, off the caller's hot path.
enum Record: Sendable, Hashable {
    case metric(Metric)
    case trade(Trade)
    case quote(Quote)
    case candle(CandleBar)
    case execution(Execution)
    case performance(PerformanceSample)
    case log(LogEntry)

    /// The Tradewatch table the record is stored in.
    var table: String {
        switch self {
        case .metric: "metrics"
        case .trade: "trades"
        case .quote: "quotes"
        case .candle: "candles"
        case .execution: "executions"
        case .performance: "performance"
        case .log: "logs"
        }
    }

    /// The tables the server fills from line-protocol measurements of the same name. A metric
    /// named like one of them cannot be sent as a line-protocol measurement (it would land in
    /// that table), so such metrics go through the JSON endpoint instead.
    static let typedTableNames: Set<String> = ["trades", "quotes", "candles", "executions", "performance", "logs"]
}
