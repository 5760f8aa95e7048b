import TradewatchClient

/// One strategy's positions, PnL and counters. Realized PnL is net of fees; unrealized PnL marks
/// every open position to the published mid; drawdown is how far the PnL is below its running
/// peak (which starts at zero).
struct StrategyBook: Sendable {
    let kind: StrategyKind
    private(set) var positions: [Position]
    private(set) var realizedBeforeFees = 0.0
    private(set) var fees = 0.0
    private(set) var peakPnL = 0.0
    var orders = 0
    var fills = 0
    var rejects = 0
    var cancels = 0

    init(kind: StrategyKind, symbolCount: Int) {
        self.kind = kind
        positions = Array(repeating: Position(), count: symbolCount)
    }

    mutating func apply(symbol: Int, side: Side, quantity: Double, price: Double, fee: Double) {
        realizedBeforeFees += positions[symbol].apply(signedQuantity: side.sign * quantity, price: price)
        fees += fee
    }

    var realizedPnL: Double { realizedBeforeFees - fees }

    func unrealizedPnL(mids: [Double]) -> Double {
        zip(positions, mids).reduce(0) { $0 + $1.0.unrealized(mid: $1.1) }
    }

    /// The strategy's state now; moves the running peak.
    mutating func sample(mids: [Double], timestamp: Int64) -> PerformanceSample {
        let unrealized = unrealizedPnL(mids: mids)
        let pnl = realizedPnL + unrealized
        peakPnL = max(peakPnL, pnl)
        return PerformanceSample(
            strategy: kind.rawValue, pnl: pnl, realizedPnL: realizedPnL, unrealizedPnL: unrealized,
            position: positions.reduce(0) { $0 + $1.quantity },
            exposure: zip(positions, mids).reduce(0) { $0 + abs($1.0.quantity * $1.1) },
            drawdown: peakPnL - pnl, timestamp: timestamp)
    }
}
