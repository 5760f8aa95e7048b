/// What a backup holds, written as `backup.json` inside it and returned by
/// `POST /api/v1/admin/backup`.
public struct BackupSummary: Codable, Sendable, Equatable {
    public var directory: String
    /// RFC 3339.
    public var createdAt: String
    /// The last commit in the DuckDB snapshot: every write acknowledged up to it is in the backup.
    public var lastCommit: Int64
    public var analyticsSchemaVersion: Int
    public var operationalMigrations: [String]
    /// Rows per analytics table in the DuckDB snapshot (archived rows not included).
    public var tableRows: [String: Int64]
    public var archivePartitions: Int
    public var archivedRows: Int64
    /// Files in the backup (the checksum file excluded) and their bytes.
    public var files: Int
    public var bytes: Int64
    public var elapsedMilliseconds: Int64

    enum CodingKeys: String, CodingKey {
        case directory, files, bytes
        case createdAt = "created_at"
        case lastCommit = "last_commit"
        case analyticsSchemaVersion = "analytics_schema_version"
        case operationalMigrations = "operational_migrations"
        case tableRows = "table_rows"
        case archivePartitions = "archive_partitions"
        case archivedRows = "archived_rows"
        case elapsedMilliseconds = "elapsed_ms"
    }
}
