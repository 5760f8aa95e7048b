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
            runs SQLite's integrity check and scans every DuckDB table, prints a summary and exits \
            non-zero on any problem. A running server holds DuckDB's lock: stop it first.
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
        print("check passed")
    }
}
