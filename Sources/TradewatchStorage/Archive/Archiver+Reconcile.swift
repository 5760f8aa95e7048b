import Foundation
import TradewatchCore

extension Archiver {
    /// Brings DuckDB, the manifest and the archive folder back in line after a crash, and
    /// (re)creates every `<table>_all` view from the manifest. Run at start, before queries.
    ///
    /// - A pending partition whose rows are still in DuckDB is finished (or undone when they
    ///   changed); one whose rows are gone is marked complete.
    /// - A file no partition lists (written or renamed before a crash) is removed, as are
    ///   temporary files: its rows are still in DuckDB.
    /// - The views list the complete partitions' files, at this data directory's path (a
    ///   restored copy may live elsewhere than the original).
    /// - Throws: when DuckDB or SQLite fail; a missing archive file is logged, not thrown.
    public func reconcile() async throws -> ArchiveRunReport {
        try await gate.exclusively {
            var report = ArchiveRunReport()
            try await resolvePending(into: &report)
            report.removedFiles = try await removeStrayFiles()
            try await rebuildViews(AnalyticsTable.allCases)
            log(report, event: "archive.reconcile")
            return report
        }
    }

    /// Finishes or undoes the partitions a crash (or a failed step) left pending.
    func resolvePending(into report: inout ArchiveRunReport) async throws {
        for entry in try await operational.archivePartitions() where entry.state == .pending {
            guard let table = AnalyticsTable(rawValue: entry.tableName), let id = entry.id else { continue }
            let hasFile = FileSync.exists(absolutePath(entry.path))
            let remaining = try await remainingRows(entry, table: table)
            switch (remaining, hasFile) {
            case (0, true):
                // Deleted with its view change; only the manifest's last step was lost.
                try await operational.completeArchivePartition(id: id)
                report.finished.append(.init(entry))
            case (0, false):
                try await operational.deleteArchivePartitions(ids: [id])
                report.errors.append(
                    "archive file \(entry.path) is missing and its \(entry.rowCount) rows are no longer in DuckDB: restore it from a backup")
            case (_, true):
                if try await finish(entry, table: table) {
                    report.finished.append(.init(entry))
                } else {
                    report.undone.append(.init(entry))
                }
            case (_, false):
                try await operational.deleteArchivePartitions(ids: [id])
                report.undone.append(.init(entry))
            }
        }
    }

    /// Removes `*.parquet` files the manifest does not list, `*.tmp` files, and folders left
    /// empty; returns the removed files' paths relative to the data directory.
    func removeStrayFiles() async throws -> [String] {
        let listed = Set(try await operational.archivePartitions().map(\.path))
        let root = absolutePath(ArchiveLayout.directoryName)
        return try await analytics.upkeep { _ in
            let manager = FileManager.default
            guard let walker = manager.enumerator(atPath: root) else { return [] }
            var removed: [String] = []
            var folders: [String] = []
            while let name = walker.nextObject() as? String {
                let path = root + "/" + name
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    folders.append(path)
                    continue
                }
                let relative = ArchiveLayout.directoryName + "/" + name
                let stray = name.hasSuffix(".parquet.tmp") || (name.hasSuffix(".parquet") && !listed.contains(relative))
                guard stray else { continue }
                try manager.removeItem(atPath: path)
                removed.append(relative)
            }
            // Deepest first, so a table folder empties after its day folders.
            for folder in folders.sorted(by: { $0.count > $1.count })
            where (try? manager.contentsOfDirectory(atPath: folder))?.isEmpty == true {
                try? manager.removeItem(atPath: folder)
            }
            return removed
        }
    }

    /// Replaces the views of `tables` in one transaction, then sets the catalog to match.
    func rebuildViews(_ tables: [AnalyticsTable]) async throws {
        var statements: [String] = []
        var complete: [AnalyticsTable: [ArchiveManifestEntry]] = [:]
        for table in tables {
            let files = try await viewFiles(table)
            statements.append(ArchiveViews.createSQL(table, files: files))
            complete[table] = try await operational.archivePartitions(of: table).filter {
                $0.state == .complete && files.contains(absolutePath($0.path))
            }
        }
        statements.append("CREATE SCHEMA IF NOT EXISTS \(ArchiveViews.transparentSchema);")
        statements += tables.map(ArchiveViews.transparentSQL)
        let sql = statements.joined(separator: "\n")
        try await analytics.write { connection in
            try connection.transaction { _ = try connection.execute(sql) }
        }
        for table in tables { catalog.reset(table, to: complete[table] ?? []) }
    }
}
