import GRDB
public import TradewatchCore

/// The archive manifest in `archive_partitions`: the Parquet files the archiver wrote. Only the
/// archiver changes it (one run at a time); backups read it.
extension OperationalStore {
    /// Every partition, of one table or of all, oldest day and part first.
    public func archivePartitions(of table: AnalyticsTable? = nil) async throws -> [ArchiveManifestEntry] {
        try await writer.read { db in
            var request = ArchiveManifestEntry.order(Column("table_name"), Column("start_ns"), Column("part"))
            if let table { request = request.filter(Column("table_name") == table.rawValue) }
            return try request.fetchAll(db)
        }
    }

    /// Records a new partition and returns it with its id.
    func insertArchivePartition(_ entry: ArchiveManifestEntry) async throws -> ArchiveManifestEntry {
        try await writer.write { db in
            var entry = entry
            try entry.insert(db)
            return entry
        }
    }

    /// Marks the partition's rows as gone from DuckDB: queries may read its file from now on.
    func completeArchivePartition(id: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE archive_partitions SET state = 'complete' WHERE id = ?", arguments: [id])
        }
    }

    /// Forgets partitions (their files are deleted afterwards by the caller).
    func deleteArchivePartitions(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await writer.write { db in
            _ = try ArchiveManifestEntry.deleteAll(db, keys: ids)
        }
    }

    /// The next free part number of a table's day.
    func nextArchivePart(table: AnalyticsTable, dayStart: Int64) async throws -> Int {
        try await writer.read { db in
            let highest = try Int.fetchOne(
                db, sql: "SELECT max(part) FROM archive_partitions WHERE table_name = ? AND start_ns = ?",
                arguments: [table.rawValue, dayStart])
            return highest.map { $0 + 1 } ?? 0
        }
    }
}
