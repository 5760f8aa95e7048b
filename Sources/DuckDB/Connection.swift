internal import CDuckDB
import Synchronization

/// A connection to a ``Database``: its own transaction, its own prepared statements.
///
/// Thread safety: a connection may move between threads, but runs one statement at a time; use
/// one connection per concurrent task (they are cheap). A streamed ``ResultSet`` occupies its
/// connection until it is read to the end or released. ``interrupt()`` may be called from any
/// thread while another thread waits on the connection. Every call here blocks: from async code
/// go through ``BlockingThreadPool`` (see `Connection+Async.swift`), never the cooperative pool.
public final class Connection: @unchecked Sendable {
    /// Kept so the database outlives every connection made from it.
    public let database: Database
    let handle: duckdb_connection

    init(database: Database) throws {
        var connection: duckdb_connection?
        let state = InstanceCache.openAndClose.withLock { _ in duckdb_connect(database.handle, &connection) }
        guard state == DuckDBSuccess, let connection else {
            throw DuckDBError(operation: .connect, kind: .other(code: -1), message: "could not connect to the database")
        }
        self.database = database
        self.handle = connection
    }

    deinit {
        var connection: duckdb_connection? = handle
        InstanceCache.openAndClose.withLock { _ in duckdb_disconnect(&connection) }
    }

    /// Runs one or more statements and discards any rows they return.
    ///
    /// - Returns: the number of rows the last statement inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: String) throws -> Int {
        var result = duckdb_result()
        defer { duckdb_destroy_result(&result) }
        guard duckdb_query(handle, sql, &result) == DuckDBSuccess else {
            throw DuckDBError.fromC(.query, duckdb_result_error(&result), type: duckdb_result_error_type(&result), sql: sql)
        }
        return Int(duckdb_rows_changed(&result))
    }

    /// Runs one statement with `parameters` bound to `?`/`$1`… and returns its rows, streamed.
    public func query(_ sql: String, _ parameters: [DuckDBValue] = []) throws -> ResultSet {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        return try statement.query()
    }

    /// Prepares one statement for repeated execution.
    public func prepare(_ sql: String) throws -> PreparedStatement {
        try PreparedStatement(connection: self, sql: sql)
    }

    /// Makes an appender: the fast way to insert many rows into `table`.
    public func appender(table: String, schema: String? = nil) throws -> Appender {
        try Appender(connection: self, table: table, schema: schema)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN TRANSACTION")
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
        try execute("COMMIT")
        return value
    }

    /// Asks the statement running on this connection to stop; it then fails with an error whose
    /// ``DuckDBError/isInterrupted`` is true. Safe to call from any thread, and harmless when
    /// nothing runs.
    public func interrupt() {
        duckdb_interrupt(handle)
    }

    /// Progress of the running statement, from 0 to 1, or `nil` when DuckDB cannot tell.
    public var queryProgress: Double? {
        let progress = duckdb_query_progress(handle)
        return progress.percentage < 0 ? nil : progress.percentage / 100
    }
}
