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

    /// `2026-01-02T15:04:05Z`, or `-` for none.
    static func format(_ date: Date?) -> String {
        date?.ISO8601Format() ?? "-"
    }
}
