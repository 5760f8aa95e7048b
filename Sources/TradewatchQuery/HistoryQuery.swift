import DuckDB
public import TradewatchCore
import Foundation

/// `GET /api/v1/<table>`: the rows of one table in a time range, filtered, in time order, a page
/// at a time.
///
/// Pages are cut by keyset on `(ts, rowid)`, so a cursor stays correct while rows are inserted:
/// the next page starts right after the last row returned, never repeats or skips a row that
/// existed, and includes new rows that sort after it.
public struct HistoryQuery: Sendable {
    public static let defaultLimit = 1000
    public static let maxLimit = 100_000_000
    /// Filters by text column, per table (only columns the table has).
    static let filterColumns = [
        "name", "symbol", "venue", "side", "trade_id", "interval", "order_id", "strategy", "level", "service",
        "correlation_id",
    ]

    public let table: AnalyticsTable
    public let range: Range<Int64>
    public let descending: Bool
    public let limit: Int
    public let plan: QueryPlan
    /// Identifies the filters and order, so a cursor is only accepted by the query that issued it.
    let fingerprint: UInt64

    public init(table: AnalyticsTable, parameters: inout QueryParameters, now: Int64) throws {
        self.table = table
        range = try parameters.timeRange(now: now, defaultSpan: 3_600_000_000_000)
        descending = try parameters.choice("order", of: ["asc", "desc"], default: "asc") == "desc"
        limit = try parameters.integer("limit", in: 1...Self.maxLimit) ?? Self.defaultLimit
        let labelsColumn = table.columns[table.labelsIndex].name

        var conditions = ["ts >= ?", "ts < ?"]
        var values: [DuckDBValue] = [
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.lowerBound)),
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: range.upperBound)),
        ]
        var identity = "\(table.rawValue)|\(descending)"
        for column in Self.filterColumns where table.columnIndex(column) != nil {
            let wanted = parameters.list(column)
            guard !wanted.isEmpty else { continue }
            conditions.append("\"\(column)\" IN (\(Array(repeating: "?", count: wanted.count).joined(separator: ", ")))")
            values += wanted.map { .string($0) }
            identity += "|\(column)=\(wanted.joined(separator: ","))"
        }
        if table == .metrics, let prefix = try parameters.string("prefix") {
            conditions.append("starts_with(name, ?)")
            values.append(.string(prefix))
            identity += "|prefix=\(prefix)"
        }
        for label in try parameters.labels() {
            conditions.append("json_extract_string(\(labelsColumn), ?) = ?")
            values += [.string(Self.jsonPath(label.key)), .string(label.value)]
            identity += "|label.\(label.key)=\(label.value)"
        }
        let fingerprint = Self.fnv1a(identity)
        self.fingerprint = fingerprint
        let initialKey = try parameters.string("cursor").map { try Self.decodeCursor($0, fingerprint: fingerprint) }
        self.initialKey = initialKey
        self.conditions = conditions
        self.values = values
        plan = Self.plan(table: table, conditions: conditions, values: values, descending: descending, after: initialKey, limit: limit + 1, range: range)
    }

    /// Filters shared by every page, and their values.
    let conditions: [String]
    let values: [DuckDBValue]
    /// Where the first page starts: after the row named by the request's cursor.
    public let initialKey: (timestamp: Int64, rowid: Int64)?

    /// The statement reading at most `limit` rows after the row `key` (from the start when nil),
    /// only from `window` when given.
    public func plan(after key: (timestamp: Int64, rowid: Int64)?, limit: Int, within window: Range<Int64>? = nil) -> QueryPlan {
        var conditions = conditions
        var values = values
        if let window {
            conditions += ["ts >= ?", "ts < ?"]
            values += [
                .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: window.lowerBound)),
                .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: window.upperBound)),
            ]
        }
        return Self.plan(
            table: table, conditions: conditions, values: values, descending: descending, after: key, limit: limit, range: range)
    }

    private static func plan(
        table: AnalyticsTable, conditions: [String], values: [DuckDBValue], descending: Bool,
        after key: (timestamp: Int64, rowid: Int64)?, limit: Int, range: Range<Int64>
    ) -> QueryPlan {
        var conditions = conditions
        var values = values
        if let key {
            let timestamp = DuckDBValue.timestampNanos(TimestampNanos(nanosecondsSinceEpoch: key.timestamp))
            // The plain bound lets DuckDB skip whole row groups by their min/max; the rest picks
            // up exactly after the row.
            conditions.append(descending ? "ts <= ?" : "ts >= ?")
            conditions.append(descending ? "(ts < ? OR (ts = ? AND rowid < ?))" : "(ts > ? OR (ts = ? AND rowid > ?))")
            values += [timestamp, timestamp, timestamp, .int64(key.rowid)]
        }
        let direction = descending ? "DESC" : "ASC"
        let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let select = { (relation: String) in
            """
            SELECT \(columns), epoch_ns(ts) AS tradewatch_cursor_ts, rowid AS tradewatch_cursor_rowid
            FROM \(relation) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY ts \(direction), rowid \(direction) LIMIT \(limit)
            """
        }
        var plan = QueryPlan(sql: select(table.rawValue), parameters: values, tables: [table], window: range)
        // The `_all` view has a `rowid` column too (negative for archived rows): cursors go on working.
        plan.archived = ArchivedSource(sql: select(SourceRelations.withArchive(table)), reach: range)
        return plan
    }

    /// `$."key"`, the JSON path of a label whatever characters its key has.
    static func jsonPath(_ key: String) -> String {
        "$.\"\(key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
    }

    /// The cursor for the page after the row `key`.
    public func cursor(after key: (timestamp: Int64, rowid: Int64)) -> String {
        let text = "v1:\(String(fingerprint, radix: 16)):\(key.timestamp):\(key.rowid)"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ text: String, fingerprint: UInt64) throws -> (timestamp: Int64, rowid: Int64) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            throw QueryError("parameter cursor is malformed: pass the `next` value of the previous page unchanged", parameter: "cursor")
        }
        let parts = decoded.split(separator: ":")
        guard parts.count == 4, parts[0] == "v1", let issuer = UInt64(parts[1], radix: 16),
            let timestamp = Int64(parts[2]), let rowid = Int64(parts[3])
        else {
            throw QueryError("parameter cursor is malformed: pass the `next` value of the previous page unchanged", parameter: "cursor")
        }
        guard issuer == fingerprint else {
            throw QueryError(
                "parameter cursor belongs to a query with other filters or order; keep the filters of the first page",
                parameter: "cursor")
        }
        return (timestamp, rowid)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
