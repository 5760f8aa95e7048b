public import TradewatchCore

/// The `<table>_all` views: a table's live rows plus its archived Parquet files, as one relation
/// with the table's columns, `commit_seq`, and `rowid` (for archived rows, the row id they had in
/// DuckDB when they were archived, so history cursors and the order of rows sharing a timestamp
/// survive the move; `(ts, rowid)` identifies a row, `rowid` alone may repeat across days).
///
/// The files are listed by name from the manifest (complete partitions only), never globbed:
/// a file written but not yet recorded, or recorded but whose rows are still in DuckDB, is
/// never read. A view is replaced in the same DuckDB transaction that deletes the rows its new
/// file holds, so every snapshot sees each row exactly once. Columns added to a table later are
/// NULL for archived rows (`UNION ALL BY NAME`, `union_by_name`).
public enum ArchiveViews {
    /// The schema holding, for user SQL, one view per table under the table's own name (the
    /// table's columns over its `_all` view): with it first on the search path, `FROM trades`
    /// reads archived days too.
    public static let transparentSchema = "tradewatch_archive"

    /// `CREATE OR REPLACE VIEW tradewatch_archive.<table>` for `table` (bound by name, so it
    /// follows every later replacement of the `_all` view).
    static func transparentSQL(_ table: AnalyticsTable) -> String {
        "CREATE OR REPLACE VIEW \(transparentSchema).\(table.rawValue) AS SELECT * EXCLUDE (rowid) FROM main.\(name(of: table));"
    }

    /// The view's name: `trades_all` for `trades`.
    public static func name(of table: AnalyticsTable) -> String {
        "\(table.rawValue)_all"
    }

    /// `CREATE OR REPLACE VIEW` for `table` reading the Parquet files at the absolute `paths`.
    static func createSQL(_ table: AnalyticsTable, files paths: [String]) -> String {
        let live = "SELECT *, rowid AS rowid FROM \(table.rawValue)"
        guard !paths.isEmpty else { return "CREATE OR REPLACE VIEW \(name(of: table)) AS \(live);" }
        let list = paths.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        var archived = """
            SELECT * EXCLUDE (tradewatch_rowid), tradewatch_rowid AS rowid
            FROM read_parquet([\(list)], hive_partitioning = false, union_by_name = true) AS archived
            """
        if table == .candles {
            // Candles are upserted: a candle written again after its day was archived lives in
            // DuckDB and wins; among archived copies of one candle, the latest commit wins.
            archived += """

                WHERE NOT EXISTS (
                    SELECT 1 FROM candles AS live
                    WHERE live.symbol = archived.symbol AND live."interval" = archived."interval" AND live.ts = archived.ts)
                QUALIFY row_number() OVER (PARTITION BY symbol, "interval", ts ORDER BY commit_seq DESC NULLS LAST) = 1
                """
        }
        return "CREATE OR REPLACE VIEW \(name(of: table)) AS \(live)\nUNION ALL BY NAME\n\(archived);"
    }
}
