import Testing
import TradewatchClient
import TradewatchSimulator

/// The market feed is sane: ordered books, positive finite prices, candles that agree with the
/// trades, and the configured number of events per simulated second.
@Suite struct MarketTests {
    let run = threeMinutes

    @Test func quotesHaveBidBelowAskAndPositiveSizes() {
        let quotes = run.records.quotes
        #expect(quotes.count > 100_000)
        for quote in quotes where !(quote.bid > 0 && quote.bid < quote.ask && quote.bidSize > 0 && quote.askSize > 0) {
            Issue.record("bad quote \(quote)")
        }
        #expect(Set(quotes.map(\.symbol)) == Set(run.simulation.configuration.symbols))
    }

    @Test func pricesStayPositiveAndFiniteAndTradesPrintAtTheTouch() {
        var book: [String: Quote] = [:]
        for record in run.records {
            switch record {
            case .quote(let quote): book[quote.symbol] = quote
            case .trade(let trade):
                #expect(trade.price.isFinite && trade.price > 0 && trade.quantity >= 1)
                let touch = trade.side == .buy ? book[trade.symbol]?.ask : book[trade.symbol]?.bid
                #expect(trade.price == touch, "\(trade)")
            default: break
            }
        }
        let regimes = run.records.logs.filter { $0.message == "volatility regime changed" }
        #expect(!regimes.isEmpty, "some symbol turned volatile in three minutes")
    }

    @Test func candlesAgreeWithTheTradesOfTheirSecond() throws {
        struct Key: Hashable { let symbol: String; let start: Int64 }
        let bySecond = Dictionary(grouping: run.records.trades) {
            Key(symbol: $0.symbol, start: $0.timestamp - $0.timestamp % 1_000_000_000)
        }
        let candles = run.records.candles
        #expect(Set(candles.map { Key(symbol: $0.symbol, start: $0.timestamp) }).count == candles.count, "one bar per second")
        #expect(candles.count == bySecond.count)
        for candle in candles {
            let trades = try #require(bySecond[Key(symbol: candle.symbol, start: candle.timestamp)])
            #expect(candle.interval == "1s")
            #expect(candle.high >= max(candle.open, candle.close))
            #expect(max(candle.open, candle.close) >= min(candle.open, candle.close))
            #expect(min(candle.open, candle.close) >= candle.low)
            #expect(candle.open == trades.first!.price && candle.close == trades.last!.price)
            #expect(candle.high == trades.map(\.price).max() && candle.low == trades.map(\.price).min())
            #expect(abs(candle.volume - trades.reduce(0) { $0 + $1.quantity }) < 1e-9)
        }
    }

    @Test(arguments: [(1_000.0, 180.0), (50.0, 600.0)])
    func marketEventsPerSimulatedSecondMatchTheRate(rate: Double, seconds: Double) throws {
        let run = rate == 1_000
            ? threeMinutes
            : try SimulatedRun(
                SimulationConfiguration(rate: rate, seed: 7, strategies: [], startTime: testStart),
                for: .seconds(seconds), step: .seconds(5))
        let opening = run.simulation.configuration.symbols.count
        let events = Double(run.records.quotes.count + run.records.trades.count - opening)
        // A Poisson count's deviation is about sqrt(n): 0.2% and 0.6% here.
        #expect(abs(events / seconds - rate) / rate < 0.03, "\(events / seconds) events/s for \(rate)")
        let lastMarketEvent = run.records.last { if case .trade = $0 { true } else { false } }!.timestamp
        #expect(lastMarketEvent <= testStart + Int64(seconds * 1e9))
    }
}
