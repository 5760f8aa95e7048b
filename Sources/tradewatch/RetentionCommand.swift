import ArgumentParser
import Foundation
import TradewatchStorage

/// `tradewatch retention`: how long each analytics table keeps its rows, stored in the data
/// directory's operational.sqlite. Works while the server runs (only SQLite is opened); the
/// server applies policies at its next archive run.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Set, list and clear retention policies (hot window in DuckDB, archive to Parquet).",
        discussion: """
            A policy keeps a table's rows in DuckDB for the hot window, then moves whole UTC days to \
            Parquet files under <data-dir>/archive/ (still answered by queries) and deletes archived days \
            once they are older than the archive window. Tables without a policy keep everything. The \
            server applies policies every --archive-interval minutes, or at once on \
            POST /api/v1/admin/archive. Tables: metrics, trades, quotes, candles, executions, performance, logs.
            """,
        subcommands: [Set.self, List.self, Clear.self]
    )

    /// How a policy reads: `keep 7d in DuckDB, then 365d in the archive`.
    static func describe(_ policy: RetentionPolicy) -> String {
        let hot = RetentionPolicy.format(seconds: policy.hotSeconds)
        return switch policy.archive {
        case .none: "keep \(hot) in DuckDB, then delete (no archive)"
        case .forever: "keep \(hot) in DuckDB, then archive to Parquet for good"
        case .seconds(let seconds): "keep \(hot) in DuckDB, then archive to Parquet until \(RetentionPolicy.format(seconds: seconds)) old, then delete"
        }
    }
}
