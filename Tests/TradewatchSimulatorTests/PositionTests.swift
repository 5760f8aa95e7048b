import Testing

@testable import TradewatchSimulator

/// Average-cost accounting on a worked example: adding moves the average cost, reducing
/// realizes against it, crossing zero opens the rest at the fill price.
@Suite struct PositionTests {
    @Test func averageCostThroughAddReduceFlipAndClose() {
        var position = Position()
        #expect(position.apply(signedQuantity: 100, price: 10) == 0)
        #expect(position.apply(signedQuantity: 100, price: 12) == 0)
        #expect(position.quantity == 200 && position.averageCost == 11)
        #expect(position.apply(signedQuantity: -150, price: 13) == 300)
        #expect(position.quantity == 50 && position.averageCost == 11)
        #expect(position.unrealized(mid: 12) == 50)
        // Sells 100: closes 50 at a loss of 2 each and opens 50 short at 9.
        #expect(position.apply(signedQuantity: -100, price: 9) == -100)
        #expect(position.quantity == -50 && position.averageCost == 9)
        #expect(position.unrealized(mid: 10) == -50)
        #expect(position.apply(signedQuantity: 50, price: 8) == 50)
        #expect(position.quantity == 0 && position.averageCost == 0)
    }

    @Test func bookRealizesNetOfFeesAndTracksDrawdownFromThePeak() {
        var book = StrategyBook(kind: .momentum, symbolCount: 2)
        book.apply(symbol: 0, side: .buy, quantity: 100, price: 50, fee: 0.25)
        book.apply(symbol: 1, side: .sell, quantity: 200, price: 20, fee: 0.5)
        let up = book.sample(mids: [52, 19], timestamp: 1)
        #expect(up.realizedPnL == -0.75)
        #expect(up.unrealizedPnL == 200 + 200)
        #expect(up.pnl == 399.25 && up.drawdown == 0)
        #expect(up.position == -100 && up.exposure == 5_200 + 3_800)
        let down = book.sample(mids: [49, 21], timestamp: 2)
        #expect(down.pnl == -300.75)
        #expect(down.drawdown == 700)
    }
}
