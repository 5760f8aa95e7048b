import DuckDB
import TradewatchCore

/// The archiver's statements. Values inlined into SQL are numbers it computed or paths it built
/// (quoted), never text from a request.
extension Archiver {
    /// What identifies a set of rows: how many, and `sum(hash(row))` over every column.
    struct Fingerprint: Equatable, Sendable {
        let rows: Int64
        let checksum: String
    }

    /// Signals, inside a transaction, that DuckDB no longer holds the rows a partition recorded.
    struct RowsChanged: Error {}

    /// A day's rows up to commit `cut` (rows without a sequence count as 0).
    static func dayFilter(_ dayStart: Int64, cut: Int64) -> String {
        "ts >= make_timestamp_ns(\(dayStart)) AND ts < make_timestamp_ns(\(dayStart + ArchiveLayout.nanosecondsPerDay)) "
            + "AND coalesce(commit_seq, 0) <= \(cut)"
    }

    static func quoted(_ path: String) -> String {
        path.replacingOccurrences(of: "'", with: "''")
    }

    /// The table's columns as DuckDB has them, quoted, in order (`commit_seq` included).
    static func columns(of table: AnalyticsTable, _ connection: Connection) throws -> [String] {
        let rows = try connection.query(
            """
            SELECT column_name FROM duckdb_columns()
            WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?
            ORDER BY column_index
            """, [.string(table.rawValue)]
        ).rows()
        return rows.compactMap { row in
            guard case .string(let name) = row.first else { return nil }
            return "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
        }
    }

    /// The fingerprint of the rows of `source` (a table with a condition, or a `read_parquet`).
    static func fingerprint(of source: String, columns: [String], _ connection: Connection) throws -> Fingerprint {
        let rows = try connection.query(
            "SELECT count(*)::BIGINT, coalesce(sum(hash(\(columns.joined(separator: ", ")))), 0)::VARCHAR FROM \(source)"
        ).rows()
        guard case .int64(let count) = rows.first?[0], case .string(let checksum) = rows.first?[1] else {
            throw StoreError("cannot compute the checksum of \(source)")
        }
        return Fingerprint(rows: count, checksum: checksum)
    }

    /// The highest commit whose rows may be archived now: every commit so far, except for trades,
    /// which must first be folded into the one-minute rollup (candles read archived minutes
    /// from the rollup, never from the files).
    func cutSequence(for table: AnalyticsTable) async throws -> Int64 {
        try await analytics.read { connection in
            let committed = "(SELECT coalesce(max(seq), 0) FROM tradewatch_commits)"
            let sql = table == .trades
                ? "SELECT least(\(committed), (SELECT watermark FROM tradewatch_rollups WHERE name = '\(AnalyticsStore.tradesRollupName)'))"
                : "SELECT \(committed)"
            guard case .int64(let cut) = try connection.query(sql).rows().first?.first else {
                throw StoreError("cannot read the last commit sequence of the analytics database")
            }
            return cut
        }
    }

    /// Starts of the days in `[from, to)` holding rows up to commit `cut`, oldest first.
    func liveDays(_ table: AnalyticsTable, from: Int64?, to: Int64, cut: Int64) async throws -> [Int64] {
        let day = ArchiveLayout.nanosecondsPerDay
        let lower = from.map { "ts >= make_timestamp_ns(\($0)) AND " } ?? ""
        return try await analytics.read { connection in
            try connection.query(
                """
                SELECT DISTINCT epoch_ns(ts) - ((epoch_ns(ts) % \(day)) + \(day)) % \(day) AS day FROM \(table.rawValue)
                WHERE \(lower)ts < make_timestamp_ns(\(to)) AND coalesce(commit_seq, 0) <= \(cut) ORDER BY day
                """
            ).rows().compactMap { row in
                if case .int64(let start) = row.first { start } else { nil }
            }
        }
    }

    /// Rows of the partition's day and cut still in DuckDB.
    func remainingRows(_ entry: ArchiveManifestEntry, table: AnalyticsTable) async throws -> Int64 {
        let filter = Self.dayFilter(entry.startNs, cut: entry.maxCommitSeq)
        return try await analytics.read { connection in
            guard case .int64(let count) = try connection.query(
                "SELECT count(*)::BIGINT FROM \(table.rawValue) WHERE \(filter)").rows().first?.first
            else { return 0 }
            return count
        }
    }
}
