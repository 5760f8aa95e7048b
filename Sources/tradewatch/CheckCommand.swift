import ArgumentParser
import DuckDB
import Foundation
import TradewatchStorage

/// `tradewatch check`: opens both stores read-only and verifies them.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the databases in the data directory without changing them.",
        discussion: """
            Opens analytics.duckdb and operational.sqlite read-only, checks their schema versions, \
            runs SQLite's integrity check, scans every DuckDB table, and reads every archived Parquet \
            file to compare its rows with the archive manifest (count and checksum); prints a summary \
            and exits non-zero on any problem. A running server holds DuckDB's lock: stop it first.
            """
    )

    @Option(help: "Folder holding the databases (env: TRADEWATCH_DATA_DIR; default: ./data).")
    var dataDir: String?

    func run() async throws {
        let dataDirectory = EnvironmentDefault().string(dataDir, "TRADEWATCH_DATA_DIR", default: "./data")
        let stores = try Stores(dataDirectory: dataDirectory, analyticsConfiguration: .init(readOnly: true))
        defer { stores.analytics.close() }
        print("data directory \(stores.dataDirectory)")

        let version = try await stores.analytics.schemaVersion()
        print("analytics  \(stores.analytics.path): DuckDB \(Database.libraryVersion), schema version \(version), \(stores.analytics.sizeBytes) bytes")
        for (table, rows) in try await stores.analytics.scanAllTables() {
            print("  \(table.padding(toLength: 12, withPad: " ", startingAt: 0)) \(rows) rows scanned")
        }

        let integrity = try await stores.operational.integrityCheck()
        let migrations = try await stores.operational.appliedMigrations()
        print("operational \(stores.operational.path ?? ""): SQLite \(try await stores.operational.sqliteVersion()), migrations \(migrations.count) (latest \(migrations.last ?? "none")), \(stores.operational.sizeBytes) bytes, \(try await stores.operational.countOrders()) orders")
        guard integrity == ["ok"] else {
            throw FatalError("operational database integrity check failed: \(integrity.joined(separator: "; "))")
        }
        print("  integrity_check: ok")

        let archive = try await stores.verifyArchive()
        let bad = archive.filter { $0.problem != nil }
        let pending = archive.filter(\.pending)
        print("archive    \(archive.count) files, \(archive.reduce(0) { $0 + $1.rows }) rows in the manifest: \(archive.count - bad.count - pending.count) verified (row count and checksum)")
        for file in pending {
            print("  \(file.path): pending (an archive run stopped before finishing it; its rows are still in DuckDB, and the server finishes or undoes it at its next start)")
        }
        for file in bad { print("  \(file.path): \(file.problem ?? "")") }
        guard bad.isEmpty else {
            throw FatalError("archive check failed: \(bad.count) of \(archive.count) files do not match the manifest (listed above)")
        }
        print("check passed")
    }
}
