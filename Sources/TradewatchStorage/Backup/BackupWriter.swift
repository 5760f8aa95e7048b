import DuckDB
import Foundation
import GRDB
import TradewatchCore

/// Backs up a data directory while the server uses it: a consistent DuckDB snapshot, SQLite's
/// online backup, the archive manifest and files, and a `SHA256SUMS` checksum file.
///
/// The DuckDB copy is one `COPY FROM DATABASE` statement (one transaction, so one snapshot:
/// every write acknowledged before the backup started is in it) into a new database file,
/// attached on the upkeep connection, in `backup-staging/` beside the database (the only folder
/// besides the archive DuckDB may write to), then moved into the backup. Ingestion goes on
/// meanwhile. The archiver is held off for the whole backup, so the snapshot, the manifest
/// and the archive files agree. Archive files are hard-linked when the backup is on the same
/// file system (they never change), copied otherwise.
public struct BackupWriter: Sendable {
    public static let summaryFileName = "backup.json"
    public static let manifestFileName = "archive-manifest.json"
    static let attachedName = "tradewatch_backup"

    public let stores: Stores
    public let archiver: Archiver

    public init(stores: Stores, archiver: Archiver) {
        self.stores = stores
        self.archiver = archiver
    }

    /// Writes a backup into `directory`, an absolute path that is absent or empty.
    /// - Throws: ``StoreError`` naming what is wrong with the folder, or the step that failed
    ///   (the folder is then emptied again).
    public func write(to directory: String) async throws -> BackupSummary {
        let started = ContinuousClock.now
        let target = try prepare(directory)
        do {
            return try await archiver.exclusively {
                var summary = try await snapshotAnalytics(into: target)
                summary.operationalMigrations = try await backupOperational(into: target)
                let partitions = try await stores.operational.archivePartitions()
                try await copyArchive(partitions, into: target)
                summary.archivePartitions = partitions.count
                summary.archivedRows = partitions.reduce(0) { $0 + $1.rowCount }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try encoder.encode(partitions.map(ArchiveRunReport.Partition.init))
                    .write(to: URL(fileURLWithPath: target + "/" + Self.manifestFileName))
                let elapsed = (ContinuousClock.now - started).components
                summary.elapsedMilliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
                try encoder.encode(summary).write(to: URL(fileURLWithPath: target + "/" + Self.summaryFileName))
                (summary.files, summary.bytes) = try await writeChecksums(target)
                return summary
            }
        } catch {
            // The folder was empty before: leave it so, for a retry.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [] {
                try? FileManager.default.removeItem(atPath: target + "/" + name)
            }
            throw error
        }
    }

    /// Checks that `directory` can take a backup (absolute, outside the data directory, absent
    /// or an empty folder) without creating it.
    /// - Throws: ``StoreError`` saying what is wrong.
    public func checkFolder(_ directory: String) throws {
        _ = try prepare(directory, create: false)
    }

    /// The folder as a standardised absolute path, created if absent when `create`.
    private func prepare(_ directory: String, create: Bool = true) throws -> String {
        guard directory.hasPrefix("/") else {
            throw StoreError("backup folder \"\(directory)\" must be an absolute path")
        }
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        let data = stores.dataDirectory
        guard target != data, !target.hasPrefix(data + "/") else {
            throw StoreError("backup folder \(target) is inside the data directory \(data): choose a folder outside it")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StoreError("backup folder \(target) is a file") }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
            guard names.isEmpty else {
                throw StoreError(
                    "backup folder \(target) is not empty (it holds \(names.sorted().prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")): choose a new or empty folder")
            }
        }
        if create { try FileSync.makeDirectory(target) }
        return target
    }

    /// Copies every DuckDB table and view into `target/analytics.duckdb` in one snapshot and
    /// reads the copy's row counts, last commit and schema version.
    private func snapshotAnalytics(into target: String) async throws -> BackupSummary {
        let staging = stores.dataDirectory + "/" + ArchiveLayout.stagingDirectoryName
        let staged = staging + "/analytics-\(UUID().uuidString).duckdb"
        let destination = target + "/" + Stores.analyticsFileName
        let name = Self.attachedName
        return try await stores.analytics.upkeep { connection in
            try? FileManager.default.removeItem(atPath: staging)  // what an interrupted backup left
            try FileSync.makeDirectory(staging)
            defer { try? FileManager.default.removeItem(atPath: staging) }
            _ = try? connection.execute("DETACH DATABASE IF EXISTS \(name)")
            guard case .string(let source) = try connection.query("SELECT current_database()").rows().first?.first else {
                throw StoreError("cannot name the analytics database to back it up")
            }
            try connection.execute("ATTACH '\(Archiver.quoted(staged))' AS \(name)")
            var summary: BackupSummary
            do {
                try connection.execute("COPY FROM DATABASE \"\(source)\" TO \(name)")
                summary = try Self.describe(copy: name, connection, directory: target)
                try connection.execute("DETACH DATABASE \(name)")
            } catch {
                _ = try? connection.execute("DETACH DATABASE IF EXISTS \(name)")
                throw error
            }
            if Foundation.rename(staged, destination) != 0 {
                try FileSync.copy(staged, to: destination)
            }
            return summary
        }
    }

    private static func describe(copy name: String, _ connection: Connection, directory: String) throws -> BackupSummary {
        func number(_ sql: String) throws -> Int64 {
            switch try connection.query(sql).rows().first?.first {
            case .int64(let value): value
            case .int32(let value): Int64(value)
            default: 0
            }
        }
        var rows: [String: Int64] = [:]
        for table in AnalyticsTable.allCases {
            rows[table.rawValue] = try number("SELECT count(*)::BIGINT FROM \(name).main.\(table.rawValue)")
        }
        return BackupSummary(
            directory: directory, createdAt: RFC3339.format(nanoseconds: Archiver.wallClockNow()),
            lastCommit: try number("SELECT coalesce(max(seq), 0)::BIGINT FROM \(name).main.tradewatch_commits"),
            analyticsSchemaVersion: Int(try number("SELECT coalesce(max(version), 0)::BIGINT FROM \(name).main.tradewatch_migrations")),
            operationalMigrations: [], tableRows: rows, archivePartitions: 0, archivedRows: 0, files: 0, bytes: 0,
            elapsedMilliseconds: 0)
    }

    /// SQLite's online backup into `target/operational.sqlite`; returns its migrations.
    private func backupOperational(into target: String) async throws -> [String] {
        let operational = stores.operational
        let destination = target + "/" + Stores.operationalFileName
        try await stores.analytics.upkeep { _ in
            let queue = try DatabaseQueue(path: destination)
            try operational.writer.backup(to: queue)
            try queue.close()
        }
        return try await operational.appliedMigrations()
    }

    /// Links or copies the partitions' files to the same relative paths under `target`.
    private func copyArchive(_ partitions: [ArchiveManifestEntry], into target: String) async throws {
        let data = stores.dataDirectory
        try await stores.analytics.upkeep { _ in
            for entry in partitions {
                let source = data + "/" + entry.path
                guard FileSync.exists(source) else {
                    throw StoreError(
                        "archive file \(source) is listed in the manifest but missing; the backup would be incomplete (restore that file first)")
                }
                let destination = target + "/" + entry.path
                try FileSync.makeDirectory((destination as NSString).deletingLastPathComponent)
                try FileSync.linkOrCopy(source, to: destination)
            }
        }
    }

    /// Flushes every file and writes `SHA256SUMS` last, atomically; returns the files and bytes.
    private func writeChecksums(_ target: String) async throws -> (Int, Int64) {
        try await stores.analytics.upkeep { _ in
            var digests: [String: String] = [:]
            var bytes: Int64 = 0
            for file in BackupChecksums.files(under: target) {
                digests[file] = try BackupChecksums.digest(ofFile: target + "/" + file, sync: true)
                bytes += FileSync.size(target + "/" + file)
            }
            let path = target + "/" + BackupChecksums.fileName
            try Data(BackupChecksums(digests: digests).text.utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
            try FileSync.sync(path + ".tmp")
            try FileSync.rename(path + ".tmp", to: path)
            return (digests.count, bytes)
        }
    }
}
