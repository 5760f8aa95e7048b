public import DuckDB
import Foundation
import TradewatchCore

/// The analytics database: trading data in DuckDB, one writer and a pool of readers.
///
/// Writes run one at a time, in submission order, on the writer's own thread; reads run on a
/// pool of threads, each with its own connection, so a long query never holds up ingestion. No
/// DuckDB call runs on Swift's cooperative pool. Thread safety: fully `Sendable`.
public final class AnalyticsStore: Sendable {
    public let path: String
    public let configuration: Configuration
    let database: Database
    private let writer: Connection
    private let writerThread: BlockingThreadPool
    /// A second writing connection for background upkeep (the trades rollup), so that it never
    /// holds up the commits of ingestion; DuckDB runs both transactions side by side.
    private let upkeep: Connection
    private let upkeepThread: BlockingThreadPool
    let readerThreads: BlockingThreadPool
    let readers: ConnectionPool
    let statements = StatementCache()
    /// Archived time ranges per table, kept by the archiver (Archive/) and read by queries to
    /// choose between a table and its `<table>_all` view.
    public let archiveCatalog = ArchiveCatalog()
    /// Tasks waiting for the next commit to end.
    let commitWatch = CommitWatch()
    /// Keeps the block-cache trim apart from the readers' and the upkeep connection's work.
    let queryGate = QueryGate()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// Blocks while opening; call it at startup, not from a request.
    /// - Throws: ``StoreError`` naming the file and the reason: not a DuckDB file, truncated,
    ///   locked by another process, newer schema than this build. The file is never rewritten.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.configuration = configuration
        // The archive and backup staging folders beside the file: the only files DuckDB may
        // touch besides its own (see AnalyticsStore+FileAccess.swift).
        let fileDirectories = configuration.readOnly ? [] : ArchiveLayout.allowedDirectories(besideDatabase: path)
        do {
            let database = try Database(
                path: path,
                configuration: .init(
                    threads: configuration.threads, memoryLimit: configuration.memoryLimit,
                    tempDirectory: configuration.tempDirectory,
                    accessMode: configuration.readOnly ? .readOnly : .automatic,
                    options: [
                        "wal_autocheckpoint": configuration.walAutocheckpoint,
                        // SQL from users runs here: no file, network or extension access at all
                        // (with file folders, turned off right after opening, below).
                        "enable_external_access": fileDirectories.isEmpty ? "false" : "true",
                        "autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false",
                    ]))
            self.database = database
            writer = try database.connect()
            try Self.restrictFileAccess(writer, to: fileDirectories)
            upkeep = try database.connect()
            readers = ConnectionPool(try (0..<max(1, configuration.readConnections)).map { _ in
                let reader = try database.connect()
                // Progress of running queries is reported by GET /api/v1/queries.
                try reader.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
                return reader
            })
        } catch let error as DuckDBError {
            throw Self.openError(path: path, error)
        }
        writerThread = BlockingThreadPool(name: "duckdb-writer", threads: 1)
        upkeepThread = BlockingThreadPool(name: "duckdb-upkeep", threads: 1)
        readerThreads = BlockingThreadPool(name: "duckdb-reader", threads: max(1, configuration.readConnections))
        do {
            try Self.checkNotTruncated(writer, path: path)
            if configuration.readOnly {
                let version = try Self.schemaVersion(writer)
                guard version == AnalyticsSchema.latestVersion else {
                    throw StoreError(
                        "analytics database \(path) has schema version \(version); this Tradewatch expects \(AnalyticsSchema.latestVersion)")
                }
            } else {
                try Self.migrate(writer, path: path)
            }
        } catch {
            close()
            throw error
        }
    }

    /// DuckDB opens a truncated file as long as its headers survive and fails only when a query
    /// reaches a missing block, so compare the file with the blocks DuckDB says are in use.
    /// Used, not total: `total_blocks` counts free blocks too, and DuckDB trims free blocks off
    /// the end of the file, so a healthy file can be shorter than the total (seen after a clean
    /// shutdown under load). A file shorter than its used blocks is certainly cut.
    private static func checkNotTruncated(_ connection: Connection, path: String) throws {
        let headerBytes = 3 * 4096  // the main header and two database headers
        let rows = try connection.query("SELECT block_size, used_blocks FROM pragma_database_size()").rows()
        guard case .int64(let blockSize) = rows.first?[0], case .int64(let blocks) = rows.first?[1] else { return }
        let expected = headerBytes + Int(blockSize) * Int(blocks)
        let actual = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard actual >= expected else {
            throw StoreError(
                "analytics database \(path) is truncated: it uses \(blocks) blocks (\(expected) bytes) but the file has \(actual) bytes; restore it from a backup")
        }
    }

    private static func openError(path: String, _ error: DuckDBError) -> StoreError {
        if error.message.contains("Could not set lock") || error.message.contains("Conflicting lock") {
            return StoreError(
                "analytics database \(path) is in use by another process (is another tradewatch serve running on this data directory?): \(error.message)")
        }
        let reason = error.message.replacingOccurrences(of: "cannot open database file \(path): ", with: "")
        return StoreError("cannot open analytics database \(path): \(reason)")
    }

    /// Runs `body` with the writer connection, after every write submitted before it.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await writer.run(on: writerThread, body)
    }

    /// Runs `body` with the upkeep connection: background writes (rollups) that must not wait
    /// behind, or hold up, ingestion's commits. They must not write the tables ingestion writes.
    @discardableResult
    public func upkeep<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let gate = queryGate
        return try await upkeep.run(on: upkeepThread) { connection in try gate.whileQuerying { try body(connection) } }
    }

    /// Runs `body` with a read connection of its own, waiting for one when all are busy.
    /// `timeout` interrupts a query that runs longer.
    @discardableResult
    public func read<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        // A connection is taken before its thread is asked for: with one thread per connection,
        // a read that holds a connection always finds a thread.
        let gate = queryGate
        return try await readers.withConnection { connection in
            try await connection.run(on: readerThreads, timeout: timeout) { connection in
                try gate.whileQuerying { try body(connection) }
            }
        }
    }

    /// The schema version this build creates and expects.
    public static var latestSchemaVersion: Int { AnalyticsSchema.latestVersion }

    /// The schema version recorded in the database.
    public func schemaVersion() async throws -> Int {
        try await write { try Self.schemaVersion($0) }
    }

    /// Writes the write-ahead log into the database file, then lets go of the file's blocks held
    /// in memory beyond ``Configuration/blockCacheBytes`` (see ``trimBlockCache(_:)``).
    public func checkpoint() async throws {
        try await write { connection in
            try connection.execute("CHECKPOINT")
            // The checkpoint is done whatever the trim does: DuckDB refuses a limit it cannot
            // reach (blocks pinned by a running query); the next checkpoint tries again.
            _ = try? self.queryGate.ifIdle { try self.trimBlockCache(connection) }
            // The checkpoint freed the rows it wrote (held uncompressed until now) and the trim
            // the blocks it let go: give the pages back rather than keep them for reuse.
            Database.purgeFreedMemory()
        }
    }

    /// DuckDB keeps every block a checkpoint wrote in its buffer pool until the memory limit
    /// forces them out, so under steady ingestion the process grows by the data written, up to
    /// the whole limit, memory that queries need for their work. These blocks are in the file
    /// (and the kernel's page cache) already: letting them go costs a read from the file when a
    /// query wants them again. DuckDB evicts on one occasion besides a shortage: a lower memory
    /// limit. So when the blocks held pass `blockCacheBytes`, the limit is lowered, for the
    /// moment of the eviction, to what DuckDB holds less the excess, and set back.
    /// DuckDB evicts blocks of the file before it spills anything else. Runs on the writer
    /// connection, between commits, and only while no query runs (``QueryGate``): a query
    /// allocating in that moment would be refused. Errors are DuckDB's (it refuses a limit it
    /// cannot reach); the limit is set back whatever happens.
    func trimBlockCache(_ connection: Connection) throws {
        guard let keep = configuration.blockCacheBytes else { return }
        let rows = try connection.query(
            """
            SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT,
                   coalesce(sum(memory_usage_bytes) FILTER (WHERE tag = 'BASE_TABLE'), 0)::BIGINT
            FROM duckdb_memory()
            """
        ).rows()
        guard case .int64(let total) = rows.first?[0], case .int64(let blocks) = rows.first?[1], Int(blocks) > keep
        else { return }
        let target = Int(total) - (Int(blocks) - keep)
        defer {
            _ = try? connection.execute("SET memory_limit = '\(configuration.memoryLimit)'")
        }
        try connection.execute("SET memory_limit = '\(max(target, 1 << 20) / 1024)KiB'")
    }

    /// Returns when the next commit (``commit(_:sequence:)``) has ended, or after `timeout`.
    ///
    /// A checkpoint holds up the commits behind it for as long as it runs (DuckDB's lock on
    /// the table it writes). Started right after a commit, it runs while the writer would
    /// otherwise wait for the next requests, and under steady ingestion often ends before
    /// they come; started at a random moment, it more often holds up a commit that is ready.
    public func afterNextCommit(timeout: Duration) async {
        await commitWatch.next(timeout: timeout)
    }

    /// Proves the database takes writes: replaces one row of the probe table.
    public func probeWrite() async throws {
        try await write { try $0.execute("INSERT OR REPLACE INTO tradewatch_probe VALUES (1, now())") }
    }

    /// Scans every data table in full; returns each table's row count.
    public func scanAllTables() async throws -> [(table: String, rows: Int)] {
        try await read { connection in
            try AnalyticsSchema.dataTables.map { table in
                var rows = 0
                let result = try connection.query("SELECT * FROM \(table)")
                while let chunk = try result.nextChunk() { rows += chunk.count }
                return (table, rows)
            }
        }
    }

    /// Memory DuckDB holds (buffer pool, indexes, row groups not yet checkpointed), in bytes.
    public func memoryUsageBytes() async throws -> Int {
        try await read { connection in
            let rows = try connection.query("SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory()").rows()
            guard case .int64(let bytes) = rows.first?.first else { return 0 }
            return Int(bytes)
        }
    }

    /// Size of the write-ahead log (rows committed since the last checkpoint), in bytes; 0 when there is none.
    public var walBytes: Int {
        (try? FileManager.default.attributesOfItem(atPath: path + ".wal")[.size] as? Int) ?? 0
    }

    /// Size of the database file and its write-ahead log, in bytes.
    public var sizeBytes: Int {
        [path, path + ".wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    /// Stops the threads. Connections and the database close when the store is released.
    public func close() {
        statements.removeAll()
        writerThread.shutdown()
        upkeepThread.shutdown()
        readerThreads.shutdown()
    }

    static func schemaVersion(_ connection: Connection) throws -> Int {
        let exists = try connection.query(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'tradewatch_migrations'"
        ).rows()
        guard exists.first?.first != .int64(0) else { return 0 }
        let rows = try connection.query("SELECT coalesce(max(version), 0) FROM tradewatch_migrations").rows()
        guard case .int32(let version) = rows.first?.first else { return 0 }
        return Int(version)
    }

    private static func migrate(_ connection: Connection, path: String) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS tradewatch_migrations (
                version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)
            """)
        let current = try schemaVersion(connection)
        guard current <= AnalyticsSchema.latestVersion else {
            throw StoreError(
                "analytics database \(path) has schema version \(current), newer than this Tradewatch knows (\(AnalyticsSchema.latestVersion)); upgrade Tradewatch")
        }
        for migration in AnalyticsSchema.migrations where migration.version > current {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO tradewatch_migrations VALUES (?, ?, now())",
                    [.int32(Int32(migration.version)), .string(migration.name)]
                ).forEachChunk { _ in }
            }
        }
    }
}
