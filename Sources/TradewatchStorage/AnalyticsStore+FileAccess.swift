import DuckDB

extension AnalyticsStore {
    /// Lets DuckDB read and write files only inside `directories` (the Parquet archive and the
    /// backup staging folder), then turns every other file, network and extension access off
    /// for good: once `enable_external_access` is false, DuckDB refuses to turn it back on or to
    /// change the allowed folders while the database runs. Does nothing for an empty list (the
    /// database was then opened with access off) or when access is already off.
    ///
    /// DuckDB refuses `allowed_directories` at open time ("before the database is started"), so
    /// the database opens with access on and this runs on the first connection, before any
    /// other statement. User SQL can read the archive's Parquet files (that is how `_all` views
    /// work) but never write there: only single SELECTs reach it, in read-only transactions.
    static func restrictFileAccess(_ connection: Connection, to directories: [String]) throws {
        guard !directories.isEmpty else { return }
        // Opening a file already open in this process shares its instance, already restricted.
        let access = try connection.query("SELECT current_setting('enable_external_access')").rows()
        guard access.first?.first != .bool(false) else { return }
        let list = directories.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        try connection.execute("""
            SET GLOBAL allowed_directories = [\(list)];
            SET GLOBAL enable_external_access = false;
            SET GLOBAL parquet_metadata_cache = true;
            """)
    }
}
