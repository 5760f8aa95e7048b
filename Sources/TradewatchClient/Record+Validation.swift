import TradewatchCore

extension Record {
    /// Why the server would refuse this record, or nil when it would accept it.
    ///
    /// The server rejects a whole request for one bad row, so the recorder refuses such records
    /// when they are recorded (counting them as `invalid`): one bad value never costs a batch.
    /// The rules are the server's: required text is not empty, numbers are finite, quantities,
    /// sizes, volumes and latencies are not negative, a candle's high is not below its low and its open
    /// and close lie between them. Messages are only built for bad records.
    var problem: String? {
        switch self {
        case .metric(let metric):
            return Self.required(metric.name, "metric name")
                ?? Self.finite(metric.value, "metric \(metric.name) value")
        case .trade(let trade):
            return Self.required(trade.symbol, "trade symbol")
                ?? Self.finite(trade.price, "trade \(trade.symbol) price")
                ?? Self.nonNegative(trade.quantity, "trade \(trade.symbol) quantity")
        case .quote(let quote):
            return Self.required(quote.symbol, "quote symbol")
                ?? Self.finite(quote.bid, "quote \(quote.symbol) bid")
                ?? Self.finite(quote.ask, "quote \(quote.symbol) ask")
                ?? Self.nonNegative(quote.bidSize, "quote \(quote.symbol) bid size")
                ?? Self.nonNegative(quote.askSize, "quote \(quote.symbol) ask size")
        case .candle(let bar):
            return Self.required(bar.symbol, "candle symbol")
                ?? Self.required(bar.interval, "candle \(bar.symbol) interval")
                ?? Self.allFinite(
                    bar.open.isFinite && bar.high.isFinite && bar.low.isFinite && bar.close.isFinite,
                    "candle \(bar.symbol) \(bar.interval) open, high, low and close",
                    [bar.open, bar.high, bar.low, bar.close])
                ?? Self.nonNegative(bar.volume, "candle \(bar.symbol) \(bar.interval) volume")
                ?? RowValues.candleInconsistency(open: bar.open, high: bar.high, low: bar.low, close: bar.close)
                .map { "candle \(bar.symbol) \(bar.interval): \($0)" }
        case .execution(let execution):
            return Self.required(execution.orderID, "execution order id")
                ?? Self.required(execution.symbol, "execution \(execution.orderID) symbol")
                ?? Self.nonNegative(execution.quantity, "execution \(execution.orderID) quantity")
                ?? Self.finite(execution.price, "execution \(execution.orderID) price")
                ?? Self.finite(execution.fee ?? 0, "execution \(execution.orderID) fee")
                ?? Self.nonNegative(Double(execution.latencyMicroseconds ?? 0), "execution \(execution.orderID) latency")
        case .performance(let sample):
            return Self.required(sample.strategy, "performance strategy")
                ?? Self.allFinite(
                    sample.pnl.isFinite && sample.realizedPnL.isFinite && sample.unrealizedPnL.isFinite
                        && sample.position.isFinite && sample.exposure.isFinite && sample.drawdown.isFinite,
                    "performance of \(sample.strategy): pnl, realized, unrealized, position, exposure and drawdown",
                    [sample.pnl, sample.realizedPnL, sample.unrealizedPnL, sample.position, sample.exposure, sample.drawdown])
        case .log(let entry):
            return Self.required(entry.message, "log message")
        }
    }

    private static func required(_ text: String, _ what: @autoclosure () -> String) -> String? {
        text.isEmpty ? "\(what()) must not be empty" : nil
    }

    private static func finite(_ value: Double, _ what: @autoclosure () -> String) -> String? {
        value.isFinite ? nil : "\(what()) must be a finite number, got \(value)"
    }

    /// `finite` is checked by the caller so that the values are only gathered for a bad record.
    private static func allFinite(
        _ finite: Bool, _ what: @autoclosure () -> String, _ values: @autoclosure () -> [Double]
    ) -> String? {
        finite ? nil : "\(what()) must be finite numbers, got \(values())"
    }

    private static func nonNegative(_ value: Double, _ what: @autoclosure () -> String) -> String? {
        if let problem = finite(value, what()) { return problem }
        return value < 0 ? "\(what()) must not be negative, got \(value)" : nil
    }
}
