import GRDB

extension OperationalStore {
    /// Numbered migrations of the SQLite schema. Never edit a shipped one: append another.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 operational tables") { db in
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE, secret_hash BLOB NOT NULL,
                    salt BLOB NOT NULL, scopes TEXT NOT NULL, created_at DATETIME NOT NULL,
                    last_used_at DATETIME, revoked_at DATETIME);
                CREATE TABLE alert_rules (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, expression TEXT NOT NULL,
                    enabled BOOLEAN NOT NULL DEFAULT 1, created_at DATETIME NOT NULL);
                CREATE TABLE alert_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
                    state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')), value DOUBLE,
                    message TEXT NOT NULL, at DATETIME NOT NULL);
                CREATE INDEX alert_events_rule_at ON alert_events(rule_id, at);
                CREATE TABLE retention_policies (
                    table_name TEXT PRIMARY KEY NOT NULL, keep_seconds INTEGER NOT NULL CHECK (keep_seconds > 0),
                    archive BOOLEAN NOT NULL, updated_at DATETIME NOT NULL);
                CREATE TABLE archive_partitions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, path TEXT NOT NULL UNIQUE,
                    start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, row_count INTEGER NOT NULL,
                    size_bytes INTEGER NOT NULL, created_at DATETIME NOT NULL);
                CREATE INDEX archive_partitions_table_range ON archive_partitions(table_name, start_ns, end_ns);
                CREATE TABLE orders (
                    order_id TEXT PRIMARY KEY NOT NULL, strategy TEXT, symbol TEXT NOT NULL, side TEXT NOT NULL,
                    quantity DOUBLE NOT NULL, filled_quantity DOUBLE NOT NULL, limit_price DOUBLE,
                    average_fill_price DOUBLE, status TEXT NOT NULL, correlation_id TEXT,
                    updated_at DATETIME NOT NULL);
                CREATE INDEX orders_strategy_updated ON orders(strategy, updated_at);
                CREATE TABLE probe (id INTEGER PRIMARY KEY, checked_at DATETIME NOT NULL);
                """)
        }
        // Per-key rate limits (`tradewatch keys limits`): NULL inherits the server's, 0 is off.
        migrator.registerMigration("v3 rate limits per key") { db in
            try db.execute(sql: """
                CREATE TABLE api_key_rate_limits (
                    key_id TEXT PRIMARY KEY NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
                    query_rate DOUBLE CHECK (query_rate >= 0),
                    query_burst DOUBLE CHECK (query_burst >= 1),
                    max_concurrent_queries INTEGER CHECK (max_concurrent_queries >= 0),
                    write_rate DOUBLE CHECK (write_rate >= 0),
                    write_rows_rate DOUBLE CHECK (write_rows_rate >= 0),
                    updated_at DATETIME NOT NULL);
                """)
        }
        // Retention gets an archive window (NULL: archived days are kept for good); each archive
        // partition records what the archiver needs to finish or undo it after a crash: its part
        // number within the day, the commit sequence its rows were cut at, their checksum, and
        // whether their rows have left DuckDB yet (see Archive/Archiver.swift).
        migrator.registerMigration("v4 retention windows") { db in
            try db.execute(sql: """
                ALTER TABLE retention_policies ADD COLUMN archive_keep_seconds INTEGER CHECK (archive_keep_seconds > 0);
                ALTER TABLE archive_partitions ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE archive_partitions ADD COLUMN max_commit_seq INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE archive_partitions ADD COLUMN checksum TEXT NOT NULL DEFAULT '';
                ALTER TABLE archive_partitions ADD COLUMN state TEXT NOT NULL DEFAULT 'complete'
                    CHECK (state IN ('pending', 'complete'));
                """)
        }
        return migrator
    }
}
