import TradewatchCore
import TradewatchLive
import TradewatchQuery

/// `{"op":"snapshot"}`: the latest values matching a subscription's filter, at once.
extension StreamController {
    /// Rows as JSON array elements: metrics and trades from the values held in memory, other
    /// tables from the store (the last row per key, bounded).
    func snapshot(_ subscription: LiveSubscription) async throws -> [UInt8] {
        let filter = subscription.filter.columns
        func accepts(_ column: String, _ value: String?) -> Bool {
            guard let wanted = filter[column] else { return true }
            return value.map(wanted.contains) ?? false
        }
        var text = ""
        func quoted(_ value: String?) {
            if let value { LabelsWriter.appendQuoted(value, to: &text) } else { text += "null" }
        }
        func number(_ value: Double) -> String { value.isFinite ? value.description : "null" }
        switch subscription.table {
        case .metrics:
            let entries = latest.metrics(
                names: filter["name"].map { Array($0) } ?? [], symbols: filter["symbol"].map { Array($0) } ?? [])
            for entry in entries {
                text += text.isEmpty ? "{\"ts\":\"" : ",{\"ts\":\""
                text += RFC3339.format(nanoseconds: entry.value.timestamp) + "\",\"name\":"
                quoted(entry.key.name)
                text += ",\"symbol\":"
                quoted(entry.key.symbol)
                text += ",\"value\":\(number(entry.value.value)),\"labels\":\(entry.value.labels ?? "null")}"
            }
            return Array(text.utf8)
        case .trades:
            let entries = latest.trades(symbols: filter["symbol"].map { Array($0) } ?? []).filter { entry in
                accepts("venue", entry.trade.venue) && accepts("side", entry.trade.side)
                    && accepts("trade_id", entry.trade.tradeID)
            }
            for entry in entries {
                let trade = entry.trade
                text += text.isEmpty ? "{\"ts\":\"" : ",{\"ts\":\""
                text += RFC3339.format(nanoseconds: trade.timestamp) + "\",\"symbol\":"
                quoted(entry.symbol)
                text += ",\"venue\":"
                quoted(trade.venue)
                text += ",\"price\":\(number(trade.price)),\"qty\":\(number(trade.quantity)),\"side\":"
                quoted(trade.side)
                text += ",\"trade_id\":"
                quoted(trade.tradeID)
                text += ",\"labels\":null}"
            }
            return Array(text.utf8)
        case .candles:
            throw LiveProtocolError(
                "snapshot is not available for live candles; read recent bars with GET /api/v1/candles", id: subscription.id)
        case .quotes, .executions, .performance, .logs:
            return try await reader.lastRows(subscription)
        }
    }
}
