import TradewatchClient

/// An order on its way: sent, then acknowledged (or rejected), then filled in one or two
/// fills (or, for a passive order the market did not reach, cancelled).
struct WorkingOrder: Sendable {
    enum Stage: Sendable {
        case awaitingAcknowledgement
        case awaitingFill
        /// A marketable order bigger than the touch: the rest fills one tick further away.
        case awaitingRemainder
    }

    let orderID: String
    let correlationID: String
    let strategy: Int
    let symbol: Int
    let side: Side
    let quantity: Double
    /// The price of a passive order; nil for one that takes liquidity.
    let limitPrice: Double?
    let venue: String
    /// The mid when the order was sent: slippage is measured against it.
    let arrivalMid: Double
    let sentAt: Int64
    let fillAt: Int64
    var stage = Stage.awaitingAcknowledgement
    var nextEventTime: Int64
    var filledQuantity = 0.0

    var remainingQuantity: Double { quantity - filledQuantity }
}
