import TradewatchCore

/// The frames the server writes itself (the hub writes `rows`, `lagged` and `candle`), as JSON
/// text.
enum LiveReply {
    static func subscribed(_ id: String, through commit: Int64? = nil) -> [UInt8] {
        frame("subscribed", id: id, commit.map { ",\"commit\":\($0)" } ?? "")
    }

    static func unsubscribed(_ id: String) -> [UInt8] { frame("unsubscribed", id: id, "") }

    static func error(_ message: String, id: String?) -> [UInt8] {
        var text = ",\"message\":"
        LabelsWriter.appendQuoted(message, to: &text)
        return frame("error", id: id, text)
    }

    /// `{"op":"snapshot","id":…,"rows":[<rows>]}`; `rows` are encoded array elements.
    static func snapshot(_ id: String, rows: [UInt8]) -> [UInt8] {
        frame("snapshot", id: id, ",\"rows\":[", rows: rows)
    }

    /// `{"op":"rows","id":…,"commit":N,"rows":[<rows>]}`, like the hub's live frames.
    static func rows(_ id: String, commit: Int64, rows: [UInt8]) -> [UInt8] {
        frame("rows", id: id, ",\"commit\":\(commit),\"rows\":[", rows: rows)
    }

    private static func frame(_ op: String, id: String?, _ tail: String, rows: [UInt8]? = nil) -> [UInt8] {
        var text = "{\"op\":\"\(op)\""
        if let id {
            text += ",\"id\":"
            LabelsWriter.appendQuoted(id, to: &text)
        }
        text += tail
        var bytes = Array(text.utf8)
        if let rows {
            bytes += rows
            bytes += Array("]".utf8)
        }
        bytes += Array("}".utf8)
        return bytes
    }
}
