/// A position in one symbol with average-cost accounting: adding to it moves the average cost,
/// reducing it realizes (price − average cost) on the closed shares, and a fill that crosses
/// through zero opens the remainder at the fill price.
struct Position: Sendable, Hashable {
    private(set) var quantity = 0.0
    private(set) var averageCost = 0.0

    /// Applies a fill (`signedQuantity` > 0 bought, < 0 sold) and returns the PnL it realized.
    mutating func apply(signedQuantity: Double, price: Double) -> Double {
        let updated = quantity + signedQuantity
        if quantity == 0 || (quantity > 0) == (signedQuantity > 0) {
            averageCost = (averageCost * abs(quantity) + price * abs(signedQuantity)) / abs(updated)
            quantity = updated
            return 0
        }
        let closed = min(abs(signedQuantity), abs(quantity))
        let realized = closed * (price - averageCost) * (quantity > 0 ? 1 : -1)
        if updated == 0 {
            averageCost = 0
        } else if (updated > 0) != (quantity > 0) {
            averageCost = price
        }
        quantity = updated
        return realized
    }

    func unrealized(mid: Double) -> Double { quantity * (mid - averageCost) }
}
