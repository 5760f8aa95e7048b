import DuckDB
import Foundation
import TradewatchCore

extension Archiver {
    /// Moves the day's rows up to commit `cut` into a new part file (see the type's steps).
    func archiveDay(_ table: AnalyticsTable, dayStart: Int64, cut: Int64, into report: inout ArchiveRunReport) async throws {
        var part = try await operational.nextArchivePart(table: table, dayStart: dayStart)
        while FileSync.exists(absolutePath(ArchiveLayout.relativePath(table: table, dayStart: dayStart, part: part))) {
            part += 1  // a stray file the reconciliation has not removed: never overwrite it
        }
        let relative = ArchiveLayout.relativePath(table: table, dayStart: dayStart, part: part)
        let final = absolutePath(relative)
        let temporary = final + ".tmp"
        let filter = Self.dayFilter(dayStart, cut: cut)
        // Rows keep their DuckDB row id (`rowid` in the `_all` view), so a history cursor taken
        // before the move continues exactly after it; sorted by time, so files prune by `ts`.
        let (stored, written) = try await analytics.upkeep { connection in
            try FileSync.makeDirectory((final as NSString).deletingLastPathComponent)
            try connection.execute("""
                COPY (SELECT *, rowid AS tradewatch_rowid FROM \(table.rawValue) WHERE \(filter) ORDER BY ts, rowid)
                TO '\(Self.quoted(temporary))' (FORMAT parquet, COMPRESSION zstd)
                """)
            try FileSync.sync(temporary)
            let columns = try Self.columns(of: table, connection)
            return (
                try Self.fingerprint(of: "\(table.rawValue) WHERE \(filter)", columns: columns, connection),
                try Self.fingerprint(
                    of: "read_parquet('\(Self.quoted(temporary))', hive_partitioning = false)", columns: columns, connection)
            )
        }
        crashPoint?.strike(at: .exported)
        guard stored == written, stored.rows > 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            if stored.rows == 0 { return }  // every row of the day was rewritten meanwhile (candles)
            throw StoreError(
                "the Parquet file for \(table.rawValue) on \(ArchiveLayout.dayName(dayStart)) does not match DuckDB "
                    + "(file: \(written.rows) rows, checksum \(written.checksum); DuckDB: \(stored.rows) rows, "
                    + "checksum \(stored.checksum)); it was removed and no row was deleted")
        }
        try await analytics.upkeep { _ in try FileSync.rename(temporary, to: final) }
        crashPoint?.strike(at: .renamed)
        let entry = try await operational.insertArchivePartition(ArchiveManifestEntry(
            tableName: table.rawValue, path: relative, startNs: dayStart,
            endNs: dayStart + ArchiveLayout.nanosecondsPerDay, part: part, maxCommitSeq: cut, rowCount: stored.rows,
            checksum: stored.checksum, sizeBytes: FileSync.size(final)))
        crashPoint?.strike(at: .recorded)
        if try await finish(entry, table: table) {
            report.archived.append(.init(entry))
        } else {
            report.undone.append(.init(entry))
        }
    }

    /// Deletes a pending partition's rows from DuckDB and adds its file to the table's view, in
    /// one transaction, then marks it complete; returns true. When DuckDB no longer holds exactly
    /// the rows the file holds (a candle rewritten since the export), undoes the partition
    /// instead (the rows stay in DuckDB, the file goes) and returns false.
    func finish(_ entry: ArchiveManifestEntry, table: AnalyticsTable) async throws -> Bool {
        guard let id = entry.id else { throw StoreError("archive partition \(entry.path) has no id") }
        // Widened first: from the commit on, queries over the day must read the view.
        catalog.widen(table, to: entry.startNs..<entry.endNs)
        let files = try await viewFiles(table, with: entry)
        let filter = Self.dayFilter(entry.startNs, cut: entry.maxCommitSeq)
        let expected = Fingerprint(rows: entry.rowCount, checksum: entry.checksum)
        let moved = try await analytics.write { connection -> Bool in
            do {
                return try connection.transaction {
                    // Candles are upserted in place; other rows up to the cut never change.
                    if table == .candles {
                        let columns = try Self.columns(of: table, connection)
                        let now = try Self.fingerprint(of: "candles WHERE \(filter)", columns: columns, connection)
                        guard now == expected else { throw RowsChanged() }
                    }
                    let deleted = try connection.execute("DELETE FROM \(table.rawValue) WHERE \(filter)")
                    guard Int64(deleted) == entry.rowCount else { throw RowsChanged() }
                    try connection.execute(ArchiveViews.createSQL(table, files: files))
                    return true
                }
            } catch is RowsChanged {
                return false
            }
        }
        crashPoint?.strike(at: .deleted)
        if moved {
            try await operational.completeArchivePartition(id: id)
        } else {
            try await undo(entry)
        }
        return moved
    }

    /// Forgets a partition whose rows are still in DuckDB and removes its file.
    func undo(_ entry: ArchiveManifestEntry) async throws {
        try await operational.deleteArchivePartitions(ids: entry.id.map { [$0] } ?? [])
        let path = absolutePath(entry.path)
        try await analytics.upkeep { _ in try? FileManager.default.removeItem(atPath: path) }
        logger.warning(
            "archiver: rows of \(entry.tableName) on \(ArchiveLayout.dayName(entry.startNs)) changed after export; kept in DuckDB",
            metadata: ["event": "archive.undone", "path": "\(entry.path)"])
    }

    /// Absolute paths of the table's complete partitions whose files exist, plus `extra`'s.
    func viewFiles(_ table: AnalyticsTable, with extra: ArchiveManifestEntry? = nil) async throws -> [String] {
        var entries = try await operational.archivePartitions(of: table).filter { $0.state == .complete }
        if let extra, !entries.contains(where: { $0.id == extra.id }) { entries.append(extra) }
        return entries.compactMap { entry in
            let path = absolutePath(entry.path)
            guard FileSync.exists(path) else {
                logger.error(
                    "archiver: archived file \(path) is missing; its rows cannot be read (restore it from a backup)",
                    metadata: ["event": "archive.missing"])
                return nil
            }
            return path
        }
    }
}
