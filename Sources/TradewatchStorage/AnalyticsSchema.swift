/// The DuckDB schema, as numbered migrations. A shipped migration is never edited: change the
/// schema by appending a new one.
///
/// Type choices: timestamps are `TIMESTAMP_NS` (ingest keeps nanoseconds end to end); prices and
/// quantities `DOUBLE`; labels and attributes `JSON` (text, so unknown tags are kept, never
/// dropped). Low-cardinality strings (symbol, venue, side, level, strategy) stay `VARCHAR`:
/// DuckDB dictionary-compresses them on disk by itself, while an `ENUM` would refuse a new venue
/// and force the appender off its fast path. No index besides the candles key: DuckDB's zone maps
/// (min/max per row group) already skip row groups outside a time range.
enum AnalyticsSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "create tables", sql: """
            CREATE TABLE metrics (
                ts TIMESTAMP_NS NOT NULL, name VARCHAR NOT NULL, symbol VARCHAR, value DOUBLE NOT NULL, labels JSON);
            CREATE TABLE trades (
                ts TIMESTAMP_NS NOT NULL, symbol VARCHAR NOT NULL, venue VARCHAR, price DOUBLE NOT NULL,
                qty DOUBLE NOT NULL, side VARCHAR, trade_id VARCHAR, labels JSON);
            CREATE TABLE quotes (
                ts TIMESTAMP_NS NOT NULL, symbol VARCHAR NOT NULL, venue VARCHAR, bid DOUBLE, ask DOUBLE,
                bid_size DOUBLE, ask_size DOUBLE, labels JSON);
            CREATE TABLE candles (
                ts TIMESTAMP_NS NOT NULL, symbol VARCHAR NOT NULL, "interval" VARCHAR NOT NULL,
                open DOUBLE NOT NULL, high DOUBLE NOT NULL, low DOUBLE NOT NULL, close DOUBLE NOT NULL,
                volume DOUBLE NOT NULL, PRIMARY KEY (symbol, "interval", ts));
            CREATE TABLE executions (
                ts TIMESTAMP_NS NOT NULL, order_id VARCHAR NOT NULL, strategy VARCHAR, symbol VARCHAR NOT NULL,
                side VARCHAR, qty DOUBLE NOT NULL, price DOUBLE NOT NULL, fee DOUBLE, venue VARCHAR,
                latency_us BIGINT, correlation_id VARCHAR, labels JSON);
            CREATE TABLE performance (
                ts TIMESTAMP_NS NOT NULL, strategy VARCHAR NOT NULL, pnl DOUBLE, realized_pnl DOUBLE,
                unrealized_pnl DOUBLE, position DOUBLE, exposure DOUBLE, drawdown DOUBLE, labels JSON);
            CREATE TABLE logs (
                ts TIMESTAMP_NS NOT NULL, level VARCHAR NOT NULL, service VARCHAR, message VARCHAR NOT NULL,
                correlation_id VARCHAR, attributes JSON);
            CREATE TABLE tradewatch_probe (id INTEGER PRIMARY KEY, checked_at TIMESTAMP);
            """),
        // Every row records the commit that wrote it: queries can wait for a commit to be
        // visible and the live stream can replay from one. Candles gain labels like the others.
        Migration(version: 2, name: "commit sequence", sql: """
            ALTER TABLE candles ADD COLUMN labels JSON;
            ALTER TABLE metrics ADD COLUMN commit_seq BIGINT;
            ALTER TABLE trades ADD COLUMN commit_seq BIGINT;
            ALTER TABLE quotes ADD COLUMN commit_seq BIGINT;
            ALTER TABLE candles ADD COLUMN commit_seq BIGINT;
            ALTER TABLE executions ADD COLUMN commit_seq BIGINT;
            ALTER TABLE performance ADD COLUMN commit_seq BIGINT;
            ALTER TABLE logs ADD COLUMN commit_seq BIGINT;
            CREATE TABLE tradewatch_commits (
                seq BIGINT PRIMARY KEY, committed_at TIMESTAMP NOT NULL, row_count BIGINT NOT NULL);
            """),
        // One-minute partial candles of trades per symbol and venue, folded in off the ingest
        // path up to a watermark (see AnalyticsStore+Rollups). Trades written before commit
        // sequences existed get sequence 0, so the first refresh folds them too.
        Migration(version: 3, name: "trades rollup", sql: """
            CREATE TABLE trades_1m (
                symbol VARCHAR NOT NULL, venue VARCHAR NOT NULL, bucket TIMESTAMP_NS NOT NULL,
                open DOUBLE, open_ts TIMESTAMP_NS, high DOUBLE, low DOUBLE, close DOUBLE, close_ts TIMESTAMP_NS,
                volume DOUBLE, notional DOUBLE, price_sum DOUBLE, trade_count BIGINT,
                PRIMARY KEY (symbol, venue, bucket));
            CREATE TABLE tradewatch_rollups (name VARCHAR PRIMARY KEY, watermark BIGINT NOT NULL);
            UPDATE trades SET commit_seq = 0 WHERE commit_seq IS NULL;
            INSERT INTO tradewatch_rollups VALUES ('trades_1m', -1);
            """),
    ]

    /// Tables holding data, in the order `check` scans them.
    static let dataTables = ["metrics", "trades", "quotes", "candles", "executions", "performance", "logs"]

    static var latestVersion: Int { migrations.last?.version ?? 0 }
}
