import Foundation
import TradewatchCore
import TradewatchLive
import TradewatchQuery

/// A message a live client sends over `/api/v1/stream`, parsed and checked.
enum LiveClientMessage: Sendable, Equatable {
    /// `{"op":"subscribe","id":…,"table":…,"filter":{…},"interval":…,"from_commit":N}`
    case subscribe(LiveSubscription, fromCommit: Int64?)
    /// `{"op":"unsubscribe","id":…}`
    case unsubscribe(id: String)
    /// `{"op":"snapshot","id":…}`
    case snapshot(id: String)

    /// Filterable columns are the text columns of the table (for `candles`, of `trades`, which
    /// the live bars are built from).
    static func filterableColumns(of table: AnalyticsTable) -> [String] {
        (table == .candles ? AnalyticsTable.trades : table).columns.filter { $0.kind == .text }.map(\.name)
    }

    /// Parses one text message.
    /// - Throws: ``LiveProtocolError`` naming the field at fault, with the message's `id` when
    ///   it has one.
    static func parse(_ text: String, maxBytes: Int) throws(LiveProtocolError) -> LiveClientMessage {
        guard text.utf8.count <= maxBytes else {
            throw LiveProtocolError("the message is \(text.utf8.count) bytes; the limit is \(maxBytes) bytes")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw LiveProtocolError("the message must be a JSON object such as {\"op\":\"subscribe\",…}")
            }
            object = parsed
        } catch let error as LiveProtocolError {
            throw error
        } catch {
            throw LiveProtocolError("the message is not valid JSON")
        }
        let id = object["id"] as? String
        do throws(LiveProtocolError) {
            guard let op = object["op"] else { throw LiveProtocolError("field op is missing") }
            guard let op = op as? String else { throw LiveProtocolError("field op must be a string") }
            guard ["subscribe", "unsubscribe", "snapshot"].contains(op) else {
                throw LiveProtocolError("op \"\(op)\" is unknown; use subscribe, unsubscribe or snapshot")
            }
            guard let rawID = object["id"] else { throw LiveProtocolError("field id is missing") }
            guard let id = rawID as? String, !id.isEmpty, id.utf8.count <= 256 else {
                throw LiveProtocolError("field id must be a non-empty string of at most 256 bytes")
            }
            switch op {
            case "unsubscribe":
                try rejectUnknown(object, allowed: ["op", "id"])
                return .unsubscribe(id: id)
            case "snapshot":
                try rejectUnknown(object, allowed: ["op", "id"])
                return .snapshot(id: id)
            default:
                return try subscribe(object, id: id)
            }
        } catch {
            throw LiveProtocolError(error.message, id: id)
        }
    }

    private static func subscribe(_ object: [String: Any], id: String) throws(LiveProtocolError) -> LiveClientMessage {
        try rejectUnknown(object, allowed: ["op", "id", "table", "filter", "interval", "from_commit", "symbol"])
        let names = AnalyticsTable.allCases.map(\.rawValue).joined(separator: ", ")
        guard let rawTable = object["table"] else { throw LiveProtocolError("field table is missing; use one of \(names)") }
        guard let tableName = rawTable as? String, let table = AnalyticsTable(rawValue: tableName) else {
            throw LiveProtocolError("table \(describe(rawTable)) is unknown; use one of \(names)")
        }
        var columns: [String: Set<String>] = [:]
        if let rawFilter = object["filter"], !(rawFilter is NSNull) {
            guard let filter = rawFilter as? [String: Any] else {
                throw LiveProtocolError("field filter must be an object such as {\"symbol\":[\"AAPL\"]}")
            }
            for (column, value) in filter {
                columns[column] = try filterValues(value, field: "filter.\(column)", table: table, column: column)
            }
        }
        // Live candles may name their symbol at the top level: {"table":"candles","symbol":"AAPL"}.
        if let symbol = object["symbol"] {
            guard table == .candles else { throw LiveProtocolError("field symbol belongs in filter for table \(table.rawValue)") }
            columns["symbol", default: []].formUnion(try filterValues(symbol, field: "symbol", table: table, column: "symbol"))
        }
        var interval: Int64?
        if let rawInterval = object["interval"] {
            guard table == .candles else {
                throw LiveProtocolError("field interval applies to table candles only, not \(table.rawValue)")
            }
            guard let text = rawInterval as? String else {
                throw LiveProtocolError("field interval must be a string such as \"1s\" or \"1m\"")
            }
            do {
                interval = try BucketWidth(text, parameter: "interval", range: 1_000_000_000...86_400_000_000_000).nanoseconds
            } catch {
                throw LiveProtocolError("interval must be a duration between 1s and 1d such as 1s, 1m or 1h, not \"\(text)\"")
            }
        } else if table == .candles {
            throw LiveProtocolError("field interval is missing; live candles need one, such as \"1m\"")
        }
        var fromCommit: Int64?
        if let rawFrom = object["from_commit"], !(rawFrom is NSNull) {
            guard let number = rawFrom as? NSNumber, let sequence = Int64(exactly: number.doubleValue), sequence >= 0 else {
                throw LiveProtocolError("field from_commit must be a non-negative integer commit sequence")
            }
            guard table != .candles else {
                throw LiveProtocolError(
                    "from_commit is not available for live candles; read closed bars from GET /api/v1/candles")
            }
            fromCommit = sequence
        }
        return .subscribe(
            LiveSubscription(id: id, table: table, filter: LiveFilter(columns), interval: interval), fromCommit: fromCommit)
    }

    private static func filterValues(
        _ value: Any, field: String, table: AnalyticsTable, column: String
    ) throws(LiveProtocolError) -> Set<String> {
        let allowed = filterableColumns(of: table)
        guard allowed.contains(column) else {
            throw LiveProtocolError(
                "\(field): table \(table.rawValue) cannot be filtered on \(column); use \(allowed.joined(separator: ", "))")
        }
        if let text = value as? String { return [text] }
        if let list = value as? [Any], !list.isEmpty, list.count <= 1_000 {
            var values: Set<String> = []
            for element in list {
                guard let text = element as? String else {
                    throw LiveProtocolError("\(field) must be a string or an array of strings, and \(describe(element)) is not a string")
                }
                values.insert(text)
            }
            return values
        }
        throw LiveProtocolError("\(field) must be a string or a non-empty array of at most 1000 strings, not \(describe(value))")
    }

    private static func rejectUnknown(_ object: [String: Any], allowed: Set<String>) throws(LiveProtocolError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LiveProtocolError("field \(unknown) is unknown here; expected \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// A short JSON-like rendering of a value, for error messages.
    private static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: "\"\(text.prefix(64))\""
        case is NSNull: "null"
        case let number as NSNumber: number.stringValue
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "\(value)"
        }
    }
}
