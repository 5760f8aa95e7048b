import DuckDB
import TradewatchCore

/// One archived file as ``Stores/verifyArchive()`` found it.
public struct ArchiveFileCheck: Sendable, Equatable {
    public let table: String
    /// Relative to the data directory, as the manifest records it.
    public let path: String
    public let rows: Int64
    /// An archive run stopped before finishing this partition: its rows are still in DuckDB, and
    /// the server finishes or undoes it at its next start. Not read, not a problem.
    public let pending: Bool
    /// `nil`: the file is there and holds exactly the rows the manifest recorded (or it is pending).
    public let problem: String?
}

extension Stores {
    /// A path the archive manifest records (relative to the data directory), made absolute.
    func absolutePath(_ relative: String) -> String {
        dataDirectory + "/" + relative
    }

    /// Verifies the archive against its manifest without changing anything: every complete
    /// partition's Parquet file must exist and hold the rows recorded when it was written (their
    /// count and `sum(hash(row))`, computed the way the archiver computed them). A pending
    /// partition (an archive run that stopped halfway) is reported as pending and not read: the
    /// server finishes or undoes it at its next start.
    ///
    /// The files are read with a DuckDB database of its own, in memory: the analytics store may
    /// be opened read-only, and then reads no files at all.
    public func verifyArchive() async throws -> [ArchiveFileCheck] {
        let entries = try await operational.archivePartitions()
        guard !entries.isEmpty else { return [] }
        var columns: [String: [String]] = [:]
        for table in Set(entries.map(\.tableName)) {
            guard let known = AnalyticsTable(rawValue: table) else { continue }
            columns[table] = try await analytics.read { try Archiver.columns(of: known, $0) }
        }
        let scratch = try Database(.memory, configuration: .init(threads: 1))
        let connection = try scratch.connect()
        var checks: [ArchiveFileCheck] = []
        for entry in entries {
            func check(_ problem: String?) {
                checks.append(ArchiveFileCheck(
                    table: entry.tableName, path: entry.path, rows: entry.rowCount, pending: false, problem: problem))
            }
            guard entry.state == .complete else {
                checks.append(ArchiveFileCheck(
                    table: entry.tableName, path: entry.path, rows: entry.rowCount, pending: true, problem: nil))
                continue
            }
            guard let tableColumns = columns[entry.tableName] else {
                check("unknown table \(entry.tableName)")
                continue
            }
            let file = absolutePath(entry.path)
            guard FileSync.exists(file) else {
                check("missing: \(file) does not exist")
                continue
            }
            do {
                let source = "read_parquet('\(Archiver.quoted(file))', hive_partitioning = false)"
                // Columns added to the table after the file was written are not in it.
                let inFile = Set(try connection.query("SELECT name FROM parquet_schema('\(Archiver.quoted(file))')").rows()
                    .compactMap { row -> String? in if case .string(let name) = row.first { "\"\(name)\"" } else { nil } })
                let found = try Archiver.fingerprint(of: source, columns: tableColumns.filter(inFile.contains), connection)
                if found.rows != entry.rowCount || found.checksum != entry.checksum {
                    check("holds \(found.rows) rows with checksum \(found.checksum); the manifest recorded \(entry.rowCount) rows with checksum \(entry.checksum)")
                } else {
                    check(nil)
                }
            } catch {
                check("cannot be read: \(error)")
            }
        }
        return checks
    }
}
