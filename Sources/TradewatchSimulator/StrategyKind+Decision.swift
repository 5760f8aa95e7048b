import TradewatchClient

extension StrategyKind {
    /// The order this strategy wants in a symbol given its position there, or nil to wait.
    /// A strategy never asks for more than its position limit.
    func intent(for symbol: MarketSymbol, position: Double, random: inout RandomSource) -> OrderIntent? {
        switch self {
        case .marketMaker: marketMakerIntent(symbol, position, &random)
        case .momentum: momentumIntent(symbol, position)
        case .meanReversion: meanReversionIntent(symbol, position)
        }
    }

    private func marketMakerIntent(_ symbol: MarketSymbol, _ position: Double, _ random: inout RandomSource)
        -> OrderIntent?
    {
        // Lean against inventory: mostly quote the side that brings the position back to zero.
        let side: Side
        if position > 0 {
            side = random.chance(0.7) ? .sell : .buy
        } else if position < 0 {
            side = random.chance(0.7) ? .buy : .sell
        } else {
            side = random.chance(0.5) ? .buy : .sell
        }
        guard abs(position + side.sign * orderQuantity) <= positionLimit else { return nil }
        return OrderIntent(
            side: side, quantity: orderQuantity, limitPrice: side == .buy ? symbol.bid : symbol.ask,
            reason: "quote at the touch")
    }

    private func momentumIntent(_ symbol: MarketSymbol, _ position: Double) -> OrderIntent? {
        let signal = (symbol.fastMean - symbol.slowMean) / symbol.slowMean * 10_000
        let reason = "signal \(rounded(signal)) bps"
        if signal > 4, position + orderQuantity <= positionLimit {
            return OrderIntent(side: .buy, quantity: orderQuantity, limitPrice: nil, reason: reason)
        }
        if signal < -4, position - orderQuantity >= -positionLimit {
            return OrderIntent(side: .sell, quantity: orderQuantity, limitPrice: nil, reason: reason)
        }
        if abs(signal) < 1, position != 0 { return flatten(position, reason: "trend faded, " + reason) }
        return nil
    }

    private func meanReversionIntent(_ symbol: MarketSymbol, _ position: Double) -> OrderIntent? {
        let deviation = symbol.slowVariance.squareRoot()
        guard deviation > 0 else { return nil }
        let score = (symbol.mid - symbol.slowMean) / deviation
        let reason = "z-score \(rounded(score))"
        if score > 2, position - orderQuantity >= -positionLimit {
            return OrderIntent(side: .sell, quantity: orderQuantity, limitPrice: nil, reason: reason)
        }
        if score < -2, position + orderQuantity <= positionLimit {
            return OrderIntent(side: .buy, quantity: orderQuantity, limitPrice: nil, reason: reason)
        }
        if abs(score) < 0.5, position != 0 { return flatten(position, reason: "back to the mean, " + reason) }
        return nil
    }

    private func flatten(_ position: Double, reason: String) -> OrderIntent {
        OrderIntent(side: position > 0 ? .sell : .buy, quantity: min(abs(position), 500), limitPrice: nil, reason: reason)
    }
}

/// Two decimals, for log text.
func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
