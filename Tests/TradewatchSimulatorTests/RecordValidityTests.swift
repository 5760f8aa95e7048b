import Testing
import TradewatchClient
import TradewatchSimulator

/// Everything generated is something the server's ingest accepts: required names present, no
/// NaN or infinity, no negative quantity, size, volume, fee or latency.
@Suite struct RecordValidityTests {
    @Test func everyRecordPassesTheServersRules() {
        let records = threeMinutes.records
        func finite(_ values: Double...) -> Bool { values.allSatisfy(\.isFinite) }
        for record in records {
            let valid: Bool
            switch record {
            case .metric(let metric):
                valid = !metric.name.isEmpty && finite(metric.value) && metric.symbol?.isEmpty != true
                    && metric.labels.allSatisfy { !$0.key.isEmpty && !$0.value.isEmpty }
            case .trade(let trade):
                valid = !trade.symbol.isEmpty && finite(trade.price) && trade.quantity > 0
                    && trade.venue?.isEmpty == false && trade.tradeID?.isEmpty == false
            case .quote(let quote):
                valid = !quote.symbol.isEmpty && finite(quote.bid, quote.ask, quote.bidSize, quote.askSize)
                    && quote.bidSize >= 0 && quote.askSize >= 0
            case .candle(let candle):
                valid = !candle.symbol.isEmpty && !candle.interval.isEmpty
                    && finite(candle.open, candle.high, candle.low, candle.close, candle.volume) && candle.volume >= 0
            case .execution(let execution):
                valid = !execution.orderID.isEmpty && !execution.symbol.isEmpty && execution.strategy?.isEmpty == false
                    && finite(execution.price, execution.quantity, execution.fee ?? 0) && execution.quantity > 0
                    && (execution.fee ?? 0) >= 0 && (execution.latencyMicroseconds ?? 0) >= 0
            case .performance(let sample):
                valid = !sample.strategy.isEmpty
                    && finite(sample.pnl, sample.realizedPnL, sample.unrealizedPnL, sample.position, sample.exposure,
                              sample.drawdown)
            case .log(let entry):
                valid = !entry.message.isEmpty && entry.service?.isEmpty == false
                    && entry.attributes.allSatisfy { !$0.key.isEmpty && !$0.value.isEmpty }
            }
            if !valid { Issue.record("the server would refuse \(record)") }
        }
        let names = Set(records.metrics.map(\.name))
        #expect(names == [
            "market.spread_bps", "market.volatility_bps", "strategy.orders", "strategy.fills", "strategy.position",
            "order.latency_us", "order.slippage_bps",
        ])
    }
}
