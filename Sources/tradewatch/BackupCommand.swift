import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import TradewatchStorage

/// `tradewatch backup DIR`: a consistent backup of a data directory, by the running server
/// (`--url`, the default) or, with `--data-dir`, of a stopped server's data directory.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the databases and the archive into an empty folder, with a checksum file.",
        discussion: """
            While the server runs, it takes the backup itself (DuckDB allows one process per file): a \
            consistent DuckDB snapshot, SQLite's online backup, the archive manifest and files (hard-linked \
            when on the same file system), and SHA256SUMS. Ingestion goes on meanwhile; every write \
            acknowledged before the backup started is in it. With --data-dir, the data directory of a \
            stopped server is backed up by this command. Restore with `tradewatch restore DIR --data-dir …`.
            """)

    @Argument(help: "An absent or empty folder for the backup (on the server's machine when it takes the backup).")
    var directory: String

    @Option(help: "The running server (default: http://127.0.0.1:8080).")
    var url: String?

    @Option(help: "An API key with the admin scope, when the server requires keys (env: TRADEWATCH_API_KEY).")
    var apiKey: String?

    @Option(help: "Back up this data directory directly instead; its server must be stopped.")
    var dataDir: String?

    func run() async throws {
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        let summary = if let dataDir {
            try await Self.offline(dataDirectory: dataDir, into: target)
        } else {
            try await online(into: target)
        }
        Self.print(summary)
    }

    /// Asks the server at `--url` to write the backup.
    private func online(into target: String) async throws -> BackupSummary {
        let base = url ?? "http://127.0.0.1:8080"
        guard let endpoint = URL(string: base.hasSuffix("/") ? base + "api/v1/admin/backup" : base + "/api/v1/admin/backup"),
            endpoint.scheme == "http" || endpoint.scheme == "https"
        else {
            throw ValidationError("--url \(base) is not an http:// or https:// address")
        }
        var request = URLRequest(url: endpoint, timeoutInterval: 24 * 3_600)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = apiKey ?? ProcessInfo.processInfo.environment["TRADEWATCH_API_KEY"] {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        request.httpBody = try JSONEncoder().encode(["directory": target])
        say("asking the server at \(base) to back up into \(target)…")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw FatalError(
                "no Tradewatch server answers at \(base) (\(error.localizedDescription)); to back up the data directory of a stopped server, add --data-dir <dir>")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            let problem = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let detail = problem?["detail"] as? String ?? String(decoding: data, as: UTF8.self)
            throw FatalError("backup refused by the server (HTTP \(status)): \(detail)")
        }
        do {
            return try JSONDecoder().decode(BackupSummary.self, from: data)
        } catch {
            throw FatalError("the server's answer is not a backup summary: \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
    }

    /// Opens the stopped server's data directory and writes the backup from this process.
    private static func offline(dataDirectory: String, into target: String) async throws -> BackupSummary {
        let directory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: directory + "/" + Stores.analyticsFileName) else {
            throw FatalError("\(directory) holds no Tradewatch data (no \(Stores.analyticsFileName))")
        }
        let stores: Stores
        do {
            stores = try Stores(dataDirectory: directory)
        } catch let error as StoreError where error.message.contains("in use by another process") {
            throw FatalError(
                "a running server holds \(directory) (DuckDB's lock): back up through it instead, with `tradewatch backup \(target) --url http://HOST:PORT`")
        }
        let logger = Logger(label: "tradewatch.backup")
        let archiver = Archiver(stores: stores, logger: logger, crashPoint: nil)
        say("backing up \(directory) into \(target)…")
        do {
            let summary = try await BackupWriter(stores: stores, archiver: archiver).write(to: target)
            await stores.close(logger: logger)
            return summary
        } catch {
            await stores.close(logger: logger)
            throw FatalError("backup failed: \(error)")
        }
    }

    static func print(_ summary: BackupSummary) {
        say("backup written to \(summary.directory): \(summary.files) files, \(summary.bytes) bytes in \(summary.elapsedMilliseconds) ms")
        say("  last commit \(summary.lastCommit); analytics schema \(summary.analyticsSchemaVersion); operational migrations \(summary.operationalMigrations.count)")
        say("  rows: " + summary.tableRows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        say("  archive: \(summary.archivePartitions) partitions, \(summary.archivedRows) rows")
        say("  checksums: \(summary.directory)/\(BackupChecksums.fileName) (check with `sha256sum -c`, or restore with `tradewatch restore`)")
    }
}
