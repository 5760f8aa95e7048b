import Testing
import TradewatchClient
import TradewatchSimulator

/// Positions and PnL agree with the fills, recomputed here without average-cost accounting:
/// PnL = cash paid and received − fees + open positions marked to the last published mid.
@Suite struct AccountingTests {
    let run = threeMinutes

    @Test func everyStrategyTradedEveryKindOfOrder() {
        let executions = run.records.executions
        for strategy in ["mm", "momentum", "meanrev"] {
            let fills = executions.filter { $0.strategy == strategy }
            #expect(fills.count > 50, "\(strategy) filled \(fills.count) times")
            #expect(fills.contains { $0.side == .buy } && fills.contains { $0.side == .sell })
        }
    }

    @Test func finalPositionsEqualTheSignedSumOfFills() {
        let symbols = run.simulation.configuration.symbols
        var expected: [String: [Double]] = [:]
        for execution in run.records.executions {
            let strategy = execution.strategy ?? "?"
            var positions = expected[strategy] ?? Array(repeating: 0, count: symbols.count)
            positions[symbols.firstIndex(of: execution.symbol)!] += execution.side.sign * execution.quantity
            expected[strategy] = positions
        }
        #expect(run.simulation.positions == expected)
        #expect(expected.values.contains { $0.contains { $0 != 0 } }, "some position is still open at the end")
        for (strategy, positions) in expected {
            let last = run.records.performance.last { $0.strategy == strategy }
            #expect(last?.position == positions.reduce(0, +))
        }
    }

    @Test func everyPerformanceSampleMatchesPnLRecomputedFromFillsFeesAndMids() throws {
        var cash: [String: Double] = [:]
        var positions: [String: [String: Double]] = [:]
        var mids: [String: Double] = [:]
        var peaks: [String: Double] = [:]
        var checked = 0
        for record in run.records {
            switch record {
            case .quote(let quote):
                mids[quote.symbol] = (quote.bid + quote.ask) / 2
            case .execution(let fill):
                let strategy = try #require(fill.strategy)
                cash[strategy, default: 0] -= fill.side.sign * fill.quantity * fill.price + (fill.fee ?? 0)
                positions[strategy, default: [:]][fill.symbol, default: 0] += fill.side.sign * fill.quantity
            case .performance(let sample):
                let open = positions[sample.strategy, default: [:]]
                let marked = open.reduce(0) { $0 + $1.value * mids[$1.key]! }
                let pnl = cash[sample.strategy, default: 0] + marked
                let peak = max(peaks[sample.strategy, default: 0], pnl)
                peaks[sample.strategy] = peak
                #expect(abs(sample.realizedPnL + sample.unrealizedPnL - pnl) < 1e-6, "\(sample)")
                #expect(abs(sample.pnl - pnl) < 1e-6)
                #expect(sample.position == open.values.reduce(0, +))
                #expect(abs(sample.exposure - open.reduce(0) { $0 + abs($1.value * mids[$1.key]!) }) < 1e-6)
                #expect(abs(sample.drawdown - (peak - pnl)) < 1e-6 && sample.drawdown >= 0)
                checked += 1
            default:
                break
            }
        }
        // Four samples a second for each of the three strategies.
        #expect(checked >= 3 * 4 * 180)
    }
}
