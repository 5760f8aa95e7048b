/// What one archiver run (or the reconciliation at start) did, for logs, operators and tests.
/// Encodes as the JSON answer of `POST /api/v1/admin/archive`.
public struct ArchiveRunReport: Sendable, Codable, Equatable {
    /// One partition the run touched.
    public struct Partition: Sendable, Codable, Equatable {
        public var table: String
        /// `YYYY-MM-DD`.
        public var day: String
        public var path: String
        public var rows: Int64
        public var bytes: Int64

        init(_ entry: ArchiveManifestEntry) {
            table = entry.tableName
            day = ArchiveLayout.dayName(entry.startNs)
            path = entry.path
            rows = entry.rowCount
            bytes = entry.sizeBytes
        }
    }

    /// Days exported to Parquet whose rows then left DuckDB.
    public var archived: [Partition] = []
    /// Archived days past their table's archive window, deleted from the manifest and the disk.
    public var expired: [Partition] = []
    /// Rows deleted from DuckDB without archiving (past the archive window, or the hot window
    /// of a table that is not archived), per table.
    public var deletedRows: [String: Int64] = [:]
    /// Partitions a crash left pending, finished (`archived`) or undone (rows kept in DuckDB).
    public var finished: [Partition] = []
    public var undone: [Partition] = []
    /// Files in the archive folder that no partition lists (an export cut short), removed.
    public var removedFiles: [String] = []
    /// Problems that stopped part of the run; the rest went on.
    public var errors: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case archived, expired, finished, undone, errors
        case deletedRows = "deleted_rows"
        case removedFiles = "removed_files"
    }

    /// Whether rows left DuckDB or were deleted.
    public var changedRows: Bool {
        !archived.isEmpty || !expired.isEmpty || !deletedRows.isEmpty || !finished.isEmpty
    }

    /// One line for the log.
    public var summary: String {
        let deleted = deletedRows.values.reduce(0, +)
        return "archived \(archived.count) partitions (\(archived.map(\.rows).reduce(0, +)) rows), expired \(expired.count), "
            + "deleted \(deleted) rows unarchived, finished \(finished.count), undone \(undone.count), "
            + "removed \(removedFiles.count) stray files, \(errors.count) errors"
    }
}
