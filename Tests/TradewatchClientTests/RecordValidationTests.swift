import Testing
@testable import TradewatchClient

/// Records the server would refuse are refused when recorded, named and counted, so that one bad
/// value never makes the server reject a whole batch.
@Suite struct RecordValidationTests {
    @Test func refusesWhatTheServerWouldRejectAndNamesIt() {
        let bad: [(Record, String)] = [
            (.metric(Metric(name: "cpu", value: .nan)), "metric cpu value must be a finite number, got nan"),
            (.metric(Metric(name: "cpu", value: -.infinity)), "metric cpu value must be a finite number, got -inf"),
            (.metric(Metric(name: "", value: 1)), "metric name must not be empty"),
            (.trade(Trade(symbol: "AAPL", price: 1, quantity: -5)), "trade AAPL quantity must not be negative, got -5.0"),
            (.quote(Quote(symbol: "AAPL", bid: .nan, ask: 1, bidSize: 1, askSize: 1)), "quote AAPL bid must be a finite number, got nan"),
            (.candle(CandleBar(symbol: "A", interval: "", open: 1, high: 1, low: 1, close: 1, volume: 1, timestamp: 0)),
             "candle A interval must not be empty"),
            (.candle(CandleBar(symbol: "A", interval: "1m", open: 1, high: .infinity, low: 1, close: 1, volume: 1, timestamp: 0)),
             "candle A 1m open, high, low and close must be finite numbers, got [1.0, inf, 1.0, 1.0]"),
            (.candle(CandleBar(symbol: "A", interval: "1m", open: 1, high: 0.5, low: 1, close: 1, volume: 1, timestamp: 0)),
             "candle A 1m: high 0.5 is below low 1"),
            (.candle(CandleBar(symbol: "A", interval: "1m", open: 1, high: 2, low: 1, close: 2.25, volume: 1, timestamp: 0)),
             "candle A 1m: close 2.25 is outside low 1 to high 2"),
            (.execution(Execution(orderID: "o-1", symbol: "A", side: .buy, quantity: 1, price: 1, latencyMicroseconds: -3)),
             "execution o-1 latency must not be negative, got -3.0"),
            (.execution(Execution(orderID: "o-1", symbol: "A", side: .buy, quantity: 1, price: 1, fee: .nan)),
             "execution o-1 fee must be a finite number, got nan"),
            (.performance(PerformanceSample(
                strategy: "mm", pnl: .nan, realizedPnL: 0, unrealizedPnL: 0, position: 0, exposure: 0, drawdown: 0)),
             "performance of mm: pnl, realized, unrealized, position, exposure and drawdown must be finite numbers, got [nan, 0.0, 0.0, 0.0, 0.0, 0.0]"),
            (.log(LogEntry(level: .info, message: "")), "log message must not be empty"),
        ]
        for (record, problem) in bad {
            #expect(record.problem == problem)
        }
    }

    @Test func acceptsOrdinaryRecordsIncludingNegativePricesAndPnL() {
        let good: [Record] = [
            .metric(Metric(name: "spread", value: -0.5)),
            .trade(Trade(symbol: "CL", price: -37.63, quantity: 0)),
            .execution(Execution(orderID: "o", symbol: "A", side: .sell, quantity: 1, price: 1, fee: -0.01, latencyMicroseconds: 0)),
            .performance(PerformanceSample(strategy: "mm", pnl: -10, realizedPnL: -4, unrealizedPnL: -6, position: -3, exposure: 9, drawdown: 10)),
        ]
        for record in good { #expect(record.problem == nil) }
    }
}
