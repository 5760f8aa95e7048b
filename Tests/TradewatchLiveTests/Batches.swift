import TradewatchCore

/// A `trades` row for tests.
struct TestTrade {
    var ts: Int64 = 1_700_000_000_000_000_000
    var symbol = "AAPL"
    var venue: String? = "XNAS"
    var price = 100.0
    var qty = 1.0
    var side: String? = "buy"
    var tradeID: String?
    var labels: String?
}

/// A `trades` batch of `trades`, columns in table order.
func tradesBatch(_ trades: [TestTrade]) -> ColumnarBatch {
    var batch = ColumnarBatch(table: .trades)
    var row = RowValues(table: .trades)
    for trade in trades {
        row.reset()
        row.timestamp = trade.ts
        row.texts = [trade.symbol, trade.venue, trade.side, trade.tradeID, trade.labels]
        row.doubles = [trade.price, trade.qty]
        batch.append(row)
    }
    return batch
}

/// A `metrics` batch: one row per name.
func metricsBatch(_ names: [String], value: Double = 1) -> ColumnarBatch {
    var batch = ColumnarBatch(table: .metrics)
    var row = RowValues(table: .metrics)
    for name in names {
        row.reset()
        row.timestamp = 1_700_000_000_000_000_000
        row.texts = [name, nil, nil]
        row.doubles = [value]
        batch.append(row)
    }
    return batch
}

/// One trade with `trade_id` set to `id`.
func trade(_ id: String, symbol: String = "AAPL", side: String = "buy") -> TestTrade {
    TestTrade(symbol: symbol, side: side, tradeID: id)
}
