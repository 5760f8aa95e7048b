/// Writes records as InfluxDB line protocol, one line each, exactly as Tradewatch's parser reads
/// them back (`POST /api/v2/write?precision=ns`).
///
/// Measurements escape commas and spaces; tag keys, tag values and field keys escape commas,
/// equals signs and spaces; string fields escape double quotes and backslashes; integers end in
/// `i`; timestamps are nanoseconds. Some text cannot be written faithfully at all: a line break
/// in a measurement, key or tag (it ends the line), an empty tag, a key or tag value ending in a
/// backslash (it would escape the delimiter after it), a measurement starting with `#` (a comment
/// line) or a tab (skipped as a blank). ``append(_:defaultService:)`` then writes nothing and
/// returns false, and the record goes through the JSON endpoint instead (`JSONRowEncoder`).
struct LineProtocolEncoder {
    /// The lines written so far, each ending in a line break.
    private(set) var bytes: [UInt8] = []
    private(set) var lineCount = 0
    /// Whether the line being written is still faithful; set false by the first part that is not.
    private var faithful = true
    private var hasFields = false

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Writes the record as one line and returns true, or returns false and writes nothing when
    /// line protocol cannot carry it faithfully. `defaultService` fills a log entry's missing
    /// service.
    mutating func append(_ record: Record, defaultService: String? = nil) -> Bool {
        let mark = bytes.count
        faithful = true
        hasFields = false
        write(record, defaultService: defaultService)
        guard faithful else {
            bytes.removeSubrange(mark...)
            return false
        }
        lineCount += 1
        return true
    }

    private mutating func write(_ record: Record, defaultService: String?) {
        switch record {
        case .metric(let metric):
            // A metric named like a typed table would be stored in that table.
            guard !Record.typedTableNames.contains(metric.name), metric.labels["symbol"] == nil else {
                faithful = false
                return
            }
            measurement(metric.name)
            tag("symbol", metric.symbol)
            for (key, value) in metric.labels.sorted(by: { $0.key < $1.key }) { tag(key, value) }
            field("value", metric.value)
            end(metric.timestamp)
        case .trade(let trade):
            measurement("trades")
            tag("symbol", trade.symbol)
            tag("venue", trade.venue)
            tag("side", trade.side?.rawValue)
            tag("trade_id", trade.tradeID)
            field("price", trade.price)
            field("qty", trade.quantity)
            end(trade.timestamp)
        case .quote(let quote):
            measurement("quotes")
            tag("symbol", quote.symbol)
            tag("venue", quote.venue)
            field("bid", quote.bid)
            field("ask", quote.ask)
            field("bid_size", quote.bidSize)
            field("ask_size", quote.askSize)
            end(quote.timestamp)
        case .candle(let bar):
            measurement("candles")
            tag("symbol", bar.symbol)
            tag("interval", bar.interval)
            field("open", bar.open)
            field("high", bar.high)
            field("low", bar.low)
            field("close", bar.close)
            field("volume", bar.volume)
            end(bar.timestamp)
        case .execution(let execution):
            measurement("executions")
            tag("order_id", execution.orderID)
            tag("strategy", execution.strategy)
            tag("symbol", execution.symbol)
            tag("side", execution.side.rawValue)
            tag("venue", execution.venue)
            tag("correlation_id", execution.correlationID)
            field("qty", execution.quantity)
            field("price", execution.price)
            if let fee = execution.fee { field("fee", fee) }
            if let latency = execution.latencyMicroseconds { field("latency_us", integer: latency) }
            end(execution.timestamp)
        case .performance(let sample):
            measurement("performance")
            tag("strategy", sample.strategy)
            field("pnl", sample.pnl)
            field("realized_pnl", sample.realizedPnL)
            field("unrealized_pnl", sample.unrealizedPnL)
            field("position", sample.position)
            field("exposure", sample.exposure)
            field("drawdown", sample.drawdown)
            end(sample.timestamp)
        case .log(let entry):
            // An attribute named like a column would fill that column instead.
            guard !entry.attributes.keys.contains(where: Self.logColumns.contains) else {
                faithful = false
                return
            }
            measurement("logs")
            tag("level", entry.level.rawValue)
            tag("service", entry.service ?? defaultService)
            tag("correlation_id", entry.correlationID)
            for (key, value) in entry.attributes.sorted(by: { $0.key < $1.key }) { tag(key, value) }
            field("message", string: entry.message)
            end(entry.timestamp)
        }
    }

    static let logColumns: Set<String> = ["level", "service", "message", "correlation_id"]

    private mutating func measurement(_ name: String) {
        let utf8 = name.utf8
        guard let first = utf8.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "\t") else {
            faithful = false
            return
        }
        faithful = faithful && Self.append(utf8, escaping: Self.isMeasurementSpecial, to: &bytes)
    }

    /// Writes `,key=value`; an absent value writes nothing.
    private mutating func tag(_ key: String, _ value: String?) {
        guard let value else { return }
        bytes.append(UInt8(ascii: ","))
        faithful = faithful && Self.append(key.utf8, escaping: Self.isKeySpecial, to: &bytes)
        bytes.append(UInt8(ascii: "="))
        faithful = faithful && Self.append(value.utf8, escaping: Self.isKeySpecial, to: &bytes)
    }

    private mutating func fieldKey(_ key: String) {
        bytes.append(hasFields ? UInt8(ascii: ",") : UInt8(ascii: " "))
        hasFields = true
        faithful = faithful && Self.append(key.utf8, escaping: Self.isKeySpecial, to: &bytes)
        bytes.append(UInt8(ascii: "="))
    }

    /// A float field; the value is finite (records are validated when recorded). Swift writes
    /// the shortest text that reads back as the same double.
    private mutating func field(_ key: String, _ value: Double) {
        fieldKey(key)
        bytes.append(contentsOf: value.description.utf8)
    }

    private mutating func field(_ key: String, integer value: Int64) {
        fieldKey(key)
        bytes.append(contentsOf: String(value).utf8)
        bytes.append(UInt8(ascii: "i"))
    }

    private mutating func field(_ key: String, string value: String) {
        fieldKey(key)
        faithful = faithful && Self.appendQuoted(value.utf8, to: &bytes)
    }

    private mutating func end(_ timestamp: Int64) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: String(timestamp).utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    private static func isMeasurementSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ")
    }

    private static func isKeySpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "=")
    }

    /// Appends `text` with a backslash before each special byte. False when the text cannot be
    /// read back as written: empty, containing a line break, or ending in a backslash.
    static func append(_ text: String.UTF8View, escaping isSpecial: (UInt8) -> Bool, to output: inout [UInt8]) -> Bool {
        guard let last = text.last, last != UInt8(ascii: "\\") else { return false }
        for byte in text {
            if byte == UInt8(ascii: "\n") { return false }
            if isSpecial(byte) { output.append(UInt8(ascii: "\\")) }
            output.append(byte)
        }
        return true
    }

    /// Appends `text` in double quotes with `"` and `\` escaped. False when it holds a line break:
    /// the server reads one inside a string (as InfluxDB does), but older Tradewatch servers
    /// refused it, so such records keep going through the JSON endpoint.
    static func appendQuoted(_ text: String.UTF8View, to output: inout [UInt8]) -> Bool {
        output.append(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\n") { return false }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
        return true
    }
}
