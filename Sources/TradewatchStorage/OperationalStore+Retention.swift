import Foundation
import GRDB
public import TradewatchCore

/// Retention policies in `retention_policies`, one per analytics table. The archiver reads them
/// at every run, so a change made while the server runs (`tradewatch retention set`, which
/// writes this file directly) applies at the next run.
extension OperationalStore {
    /// Stores `policy`, replacing the table's previous one.
    public func setRetentionPolicy(_ policy: RetentionPolicy) async throws {
        let archiveSeconds: Int64? = if case .seconds(let seconds) = policy.archive { seconds } else { nil }
        let archives = policy.archive != .none
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO retention_policies (table_name, keep_seconds, archive, archive_keep_seconds, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (table_name) DO UPDATE SET keep_seconds = excluded.keep_seconds,
                        archive = excluded.archive, archive_keep_seconds = excluded.archive_keep_seconds,
                        updated_at = excluded.updated_at
                    """,
                arguments: [policy.table.rawValue, policy.hotSeconds, archives, archiveSeconds, policy.updatedAt])
        }
    }

    /// Every policy, by table name. A row naming a table this build does not know is skipped.
    public func retentionPolicies() async throws -> [RetentionPolicy] {
        let rows = try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT table_name, keep_seconds, archive, archive_keep_seconds, updated_at FROM retention_policies ORDER BY table_name"
            ).map { row -> (table: String, hot: Int64, archive: Bool, archiveSeconds: Int64?, updatedAt: Date) in
                (row["table_name"], row["keep_seconds"], row["archive"], row["archive_keep_seconds"], row["updated_at"])
            }
        }
        return rows.compactMap { row in
            guard let table = AnalyticsTable(rawValue: row.table) else { return nil }
            let archive: RetentionPolicy.Archive = !row.archive ? .none : row.archiveSeconds.map { .seconds($0) } ?? .forever
            return try? RetentionPolicy(table: table, hotSeconds: row.hot, archive: archive, updatedAt: row.updatedAt)
        }
    }

    /// Removes the table's policy; returns whether it had one. Its rows are then kept for good
    /// (archived days stay archived and readable).
    @discardableResult
    public func clearRetentionPolicy(_ table: AnalyticsTable) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM retention_policies WHERE table_name = ?", arguments: [table.rawValue])
            return db.changesCount > 0
        }
    }
}
