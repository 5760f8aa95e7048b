public import TradewatchCore

/// A trades batch from (ts, symbol, venue, price, qty) tuples.
public func trades(_ rows: [(ts: Int64, symbol: String, venue: String?, price: Double, qty: Double)]) -> ColumnarBatch {
    var batch = ColumnarBatch(table: .trades)
    var values = RowValues(table: .trades)
    func slot(_ name: String) -> ColumnarBatch.Slot { values.slots[AnalyticsTable.trades.columnIndex(name)!] }
    guard case .text(let symbol) = slot("symbol"), case .text(let venue) = slot("venue"),
        case .double(let price) = slot("price"), case .double(let qty) = slot("qty")
    else { preconditionFailure("trades columns changed") }
    for row in rows {
        values.reset()
        values.timestamp = row.ts
        values.texts[symbol] = row.symbol
        values.texts[venue] = row.venue
        values.doubles[price] = row.price
        values.doubles[qty] = row.qty
        batch.append(values)
    }
    return batch
}
