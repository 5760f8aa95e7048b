/// One trade as live candles need it: when, at what price, how much.
public struct LiveTrade: Sendable, Hashable {
    /// Nanoseconds since the epoch.
    public var timestamp: Int64
    public var price: Double
    public var quantity: Double

    public init(timestamp: Int64, price: Double, quantity: Double) {
        self.timestamp = timestamp
        self.price = price
        self.quantity = quantity
    }
}
