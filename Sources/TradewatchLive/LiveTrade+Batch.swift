import TradewatchCore

extension LiveTrade {
    private static let priceColumn = AnalyticsTable.trades.columnIndex("price")!
    private static let quantityColumn = AnalyticsTable.trades.columnIndex("qty")!

    /// The trade in row `row` of a `trades` batch; `nil` without a price or quantity.
    init?(_ batch: ColumnarBatch, row: Int) {
        guard case .timestamp(let timestamp) = batch.value(row: row, column: 0),
            case .double(let price?) = batch.value(row: row, column: Self.priceColumn),
            case .double(let quantity?) = batch.value(row: row, column: Self.quantityColumn)
        else { return nil }
        self.init(timestamp: timestamp, price: price, quantity: quantity)
    }
}
