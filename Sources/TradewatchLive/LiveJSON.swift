public import TradewatchCore

/// Writes the JSON of live frames straight into bytes: rows are rendered once per commit and
/// shared by every subscriber, frames are assembled by each connection's consumer.
public enum LiveJSON {
    /// One row as a JSON object keyed by column name: `ts` as an RFC 3339 string with nanoseconds,
    /// the labels (attributes) column as the JSON object it holds, NULLs as `null`.
    public static func row(_ batch: ColumnarBatch, _ row: Int) -> [UInt8] {
        var output: [UInt8] = []
        LiveRowRenderer(batch).append(row: row, to: &output)
        return output
    }

    /// Per table, per column: `{"name":` for the first column, `,"name":` for the others, so a
    /// row's keys are copied rather than escaped again for every row.
    static let columnKeys: [[[UInt8]]] = AnalyticsTable.allCases.map { table in
        table.columns.enumerated().map { index, column in
            var key: [UInt8] = [index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ",")]
            appendString(column.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// `{"op":"rows","id":…,"commit":N,"rows":[…]}`; `commit` is the last commit among the rows.
    static func rowsFrame(id: String, commit: Int64, rows: LiveRows) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(48 + id.utf8.count + rows.byteCount)
        output.append(contentsOf: #"{"op":"rows","id":"#.utf8)
        appendString(id, to: &output)
        output.append(contentsOf: #","commit":"#.utf8)
        output.append(contentsOf: String(commit).utf8)
        output.append(contentsOf: #","rows":["#.utf8)
        rows.write(to: &output)
        output.append(contentsOf: "]}".utf8)
        return output
    }

    /// `{"op":"lagged","id":…,"dropped":n}`.
    public static func laggedFrame(id: String, dropped: Int) -> [UInt8] {
        var output = Array(#"{"op":"lagged","id":"#.utf8)
        appendString(id, to: &output)
        output.append(contentsOf: #","dropped":\#(dropped)}"#.utf8)
        return output
    }

    /// `{"op":"candle","id":…,"commit":N,"bar":{…},"final":…,"revised":…}`.
    public static func candleFrame(id: String, symbol: String, bar: LiveCandleBar, final: Bool, revised: Bool) -> [UInt8] {
        var output = Array(#"{"op":"candle","id":"#.utf8)
        appendString(id, to: &output)
        output.append(contentsOf: #","commit":\#(bar.commit),"bar":{"ts":""#.utf8)
        RFC3339.append(nanoseconds: bar.start, to: &output)
        output.append(contentsOf: #"","symbol":"#.utf8)
        appendString(symbol, to: &output)
        for (name, value) in [("open", bar.open), ("high", bar.high), ("low", bar.low), ("close", bar.close),
                              ("volume", bar.volume)] {
            output.append(contentsOf: #","\#(name)":"#.utf8)
            appendNumber(value, to: &output)
        }
        output.append(contentsOf: #","vwap":"#.utf8)
        if let vwap = bar.vwap { appendNumber(vwap, to: &output) } else { output.append(contentsOf: "null".utf8) }
        output.append(contentsOf: #","trade_count":\#(bar.tradeCount)},"final":\#(final),"revised":\#(revised)}"#.utf8)
        return output
    }

    /// `{"op":"error","message":…}`.
    public static func errorFrame(_ message: String) -> [UInt8] {
        var output = Array(#"{"op":"error","message":"#.utf8)
        appendString(message, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Appends `text` as a JSON string literal.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        JSONString.append(text, to: &output)
    }

    /// A finite number as JSON; NaN and infinities (which JSON cannot carry) as `null`.
    static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        if value.isFinite { output.append(contentsOf: value.description.utf8) } else { output.append(contentsOf: "null".utf8) }
    }
}
