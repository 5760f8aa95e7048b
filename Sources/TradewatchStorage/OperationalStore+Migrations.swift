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
        return migrator
    }
}
