import ArgumentParser
import Foundation
import TradewatchAuth
import TradewatchStorage

/// `tradewatch keys`: API keys in the data directory's operational.sqlite. Works while the server
/// runs (SQLite in WAL mode); only that file is opened, never the DuckDB database.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys.",
        discussion: """
            Keys have scopes: read (queries, /metrics, the live stream), write (line protocol and JSON \
            ingest) and admin (everything). Only a salted hash of each key is stored: its secret is printed \
            once, by create. A running server notices a revocation made here within \
            \(APIKeyAuthenticator.defaultCacheLifetime.components.seconds) seconds, and records when keys \
            were last used once a minute.
            """,
        subcommands: [Create.self, List.self, Revoke.self, Limits.self]
    )

    /// The `--data-dir` option every subcommand takes.
    struct DataDirectory: ParsableArguments {
        @Option(help: "Folder holding operational.sqlite (env: TRADEWATCH_DATA_DIR; default: ./data).")
        var dataDir: String?

        var path: String {
            let directory = EnvironmentDefault().string(dataDir, "TRADEWATCH_DATA_DIR", default: "./data")
            return URL(fileURLWithPath: directory).standardizedFileURL.path
        }

        var databasePath: String { path + "/" + Stores.operationalFileName }

        /// Opens the key registry; `create` makes the folder and database when missing.
        func registry(creating: Bool) throws -> APIKeyRegistry? {
            if !FileManager.default.fileExists(atPath: databasePath) {
                guard creating else { return nil }
                do {
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                } catch {
                    throw FatalError("cannot create data directory \(path): \(error.localizedDescription)")
                }
            }
            return APIKeyRegistry(store: try OperationalStore(path: databasePath))
        }
    }

    /// `2026-01-02T15:04:05Z`, or `-` for none.
    static func format(_ date: Date?) -> String {
        date?.ISO8601Format() ?? "-"
    }
}
