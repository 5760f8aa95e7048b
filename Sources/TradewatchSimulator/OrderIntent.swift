import TradewatchClient

/// What a strategy wants to do in one symbol: an order to send and why.
struct OrderIntent: Sendable {
    let side: Side
    let quantity: Double
    /// A passive order's price; nil to take liquidity at the touch.
    let limitPrice: Double?
    /// Short explanation for the "order sent" log line, e.g. `signal 4.2 bps`.
    let reason: String
}
