/// Writes the records line protocol cannot carry faithfully (see ``LineProtocolEncoder``) as the
/// bodies of Tradewatch's JSON ingest endpoints, `POST /api/v1/<table>` with
/// `{"<table>": [ {…}, … ]}`: JSON holds any text, including line breaks, and a metric's name
/// there is a plain value, so a metric called `trades` stays a metric.
struct JSONRowEncoder {
    /// The open body of each table written to, without its closing `]}`.
    private var bodies: [String: [UInt8]] = [:]
    private var counts: [String: Int] = [:]

    var isEmpty: Bool { bodies.isEmpty }

    /// Adds one record as an object of its table's array. `defaultService` fills a log entry's
    /// missing service.
    mutating func append(_ record: Record, defaultService: String? = nil) {
        let table = record.table
        var body = bodies.removeValue(forKey: table) ?? Array("{\"\(table)\":[".utf8)
        if counts[table, default: 0] > 0 { body.append(UInt8(ascii: ",")) }
        // Moved, not copied: the body stays uniquely owned while it grows.
        var object = JSONObjectWriter(output: consume body)
        Self.write(record, defaultService: defaultService, to: &object)
        bodies[table] = object.finish()
        counts[table, default: 0] += 1
    }

    /// One request per table written to, in a fixed table order.
    func requests() -> [WriteRequest] {
        Self.tableOrder.compactMap { table in
            guard var body = bodies[table], let count = counts[table] else { return nil }
            body.append(contentsOf: "]}".utf8)
            return WriteRequest(
                path: "api/v1/\(table)", contentType: "application/json", body: body, records: count,
                summary: "\(count) \(table) records as JSON")
        }
    }

    private static let tableOrder = ["metrics", "trades", "quotes", "candles", "executions", "performance", "logs"]

    private static func write(_ record: Record, defaultService: String?, to object: inout JSONObjectWriter) {
        switch record {
        case .metric(let metric):
            object.integer("ts", metric.timestamp)
            object.string("name", metric.name)
            object.number("value", metric.value)
            object.string("symbol", metric.symbol)
            object.strings("labels", metric.labels)
        case .trade(let trade):
            object.integer("ts", trade.timestamp)
            object.string("symbol", trade.symbol)
            object.string("venue", trade.venue)
            object.number("price", trade.price)
            object.number("qty", trade.quantity)
            object.string("side", trade.side?.rawValue)
            object.string("trade_id", trade.tradeID)
        case .quote(let quote):
            object.integer("ts", quote.timestamp)
            object.string("symbol", quote.symbol)
            object.string("venue", quote.venue)
            object.number("bid", quote.bid)
            object.number("ask", quote.ask)
            object.number("bid_size", quote.bidSize)
            object.number("ask_size", quote.askSize)
        case .candle(let bar):
            object.integer("ts", bar.timestamp)
            object.string("symbol", bar.symbol)
            object.string("interval", bar.interval)
            object.number("open", bar.open)
            object.number("high", bar.high)
            object.number("low", bar.low)
            object.number("close", bar.close)
            object.number("volume", bar.volume)
        case .execution(let execution):
            object.integer("ts", execution.timestamp)
            object.string("order_id", execution.orderID)
            object.string("strategy", execution.strategy)
            object.string("symbol", execution.symbol)
            object.string("side", execution.side.rawValue)
            object.number("qty", execution.quantity)
            object.number("price", execution.price)
            object.number("fee", execution.fee)
            object.string("venue", execution.venue)
            object.integer("latency_us", execution.latencyMicroseconds)
            object.string("correlation_id", execution.correlationID)
        case .performance(let sample):
            object.integer("ts", sample.timestamp)
            object.string("strategy", sample.strategy)
            object.number("pnl", sample.pnl)
            object.number("realized_pnl", sample.realizedPnL)
            object.number("unrealized_pnl", sample.unrealizedPnL)
            object.number("position", sample.position)
            object.number("exposure", sample.exposure)
            object.number("drawdown", sample.drawdown)
        case .log(let entry):
            object.integer("ts", entry.timestamp)
            object.string("level", entry.level.rawValue)
            object.string("service", entry.service ?? defaultService)
            object.string("message", entry.message)
            object.string("correlation_id", entry.correlationID)
            object.strings("attributes", entry.attributes)
        }
    }
}
