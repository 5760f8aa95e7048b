import Testing
@testable import TradewatchLive

@Suite struct LiveCandleBuilderTests {
    func trade(_ timestamp: Int64, _ price: Double, _ quantity: Double) -> LiveTrade {
        LiveTrade(timestamp: timestamp, price: price, quantity: quantity)
    }

    @Test func tradesFormABarThatATradeOfALaterBarCloses() {
        var builder = LiveCandleBuilder(symbol: "X", interval: 100)
        _ = builder.add(trade(105, 10, 1), commit: 1, now: .zero)
        _ = builder.add(trade(150, 12, 2), commit: 2, now: .zero)
        let forming = builder.add(trade(120, 11, 1), commit: 3, now: .zero)
        #expect(forming.count == 1 && forming[0].final == false)
        let bar = forming[0].bar
        #expect([bar.start, bar.commit] == [100, 3])
        #expect([bar.open, bar.high, bar.low, bar.close, bar.volume, bar.vwap] == [10, 12, 10, 12, 4, 11.25])
        #expect(bar.tradeCount == 3)
        let next = builder.add(trade(230, 20, 1), commit: 4, now: .zero)
        #expect(next.map(\.final) == [true, false])
        #expect(next.map(\.bar.start) == [100, 200])
        #expect(next[0].bar == bar)
    }

    @Test func aLateTradeRevisesAClosedBarOrFillsAnEmptyOne() {
        var builder = LiveCandleBuilder(symbol: "X", interval: 100)
        _ = builder.add(trade(100, 10, 1), commit: 1, now: .zero)
        _ = builder.add(trade(300, 30, 1), commit: 2, now: .zero)
        _ = builder.add(trade(400, 40, 1), commit: 3, now: .zero)
        let revised = builder.add(trade(199, 5, 3), commit: 4, now: .zero)
        #expect(revised.count == 1 && revised[0].final && revised[0].revised)
        #expect([revised[0].bar.low, revised[0].bar.close, revised[0].bar.volume, revised[0].bar.vwap] == [5, 5, 4, 6.25])
        let filled = builder.add(trade(250, 25, 1), commit: 5, now: .zero)
        #expect(filled.map(\.bar.start) == [200])
        #expect(filled[0].revised && filled[0].bar.tradeCount == 1)
        #expect(builder.add(trade(50, 1, 1), commit: 6, now: .zero).isEmpty)  // before every kept bar
    }

    @Test func onlyTheLastClosedBarsAreKept() {
        var builder = LiveCandleBuilder(symbol: "X", interval: 10)
        for index in Int64(0)...20 { _ = builder.add(trade(index * 10, 1, 1), commit: index, now: .zero) }
        #expect(builder.closed.count == LiveCandleBuilder.closedBarsKept)
        #expect(builder.closed.first?.start == 100)
    }

    @Test func theClockClosesTheFormingBarOfAQuietMarket() {
        var builder = LiveCandleBuilder(symbol: "X", interval: 1_000_000_000)
        _ = builder.add(trade(1_250_000_000, 10, 1), commit: 1, now: .seconds(7))
        #expect(builder.deadline == .milliseconds(7750))
        #expect(builder.closeIfDue(now: .milliseconds(7749)) == nil)
        let closed = builder.closeIfDue(now: .milliseconds(7750))
        #expect(closed?.final == true && closed?.revised == false && closed?.bar.start == 1_000_000_000)
        #expect(builder.deadline == nil)
        let late = builder.add(trade(1_900_000_000, 11, 1), commit: 2, now: .seconds(8))
        #expect(late.first?.revised == true)
    }

    @Test func barsAreAlignedToTheEpochForNegativeTimestampsToo() {
        var builder = LiveCandleBuilder(symbol: "X", interval: 100)
        #expect(builder.add(trade(-150, 1, 1), commit: 1, now: .zero).first?.bar.start == -200)
    }
}
