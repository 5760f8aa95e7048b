internal import CDuckDB

/// The rows of a query, fetched from DuckDB one chunk (up to 2,048 rows) at a time.
///
/// Memory stays flat however many rows the query returns: only the chunk being read is held.
/// Read with ``nextChunk()`` in a loop, or asynchronously with `Connection.stream(_:_:on:)`.
/// Thread safety: one reader at a time; the result occupies its connection until the last chunk
/// is read or the result is released.
public final class ResultSet: @unchecked Sendable {
    /// Kept so the statement and its connection outlive the result.
    public let statement: PreparedStatement
    public let columnNames: [String]
    public let columnTypes: [ColumnType]
    private let result: UnsafeMutablePointer<duckdb_result>
    /// Kept until the result is released: destroying a pending result aborts a statement that has
    /// not completed, and a streamed statement completes only when its last chunk is fetched.
    private let pending: duckdb_pending_result
    private var finished = false
    private var isClosed = false

    init(statement: PreparedStatement) throws {
        var pendingHandle: duckdb_pending_result?
        guard duckdb_pending_prepared_streaming(statement.handle, &pendingHandle) == DuckDBSuccess,
            let pending = pendingHandle
        else {
            let error = DuckDBError.fromC(.execute, pendingHandle.flatMap { duckdb_pending_error($0) }, sql: statement.sql)
            duckdb_destroy_pending(&pendingHandle)
            throw error
        }
        let result = UnsafeMutablePointer<duckdb_result>.allocate(capacity: 1)
        result.initialize(to: duckdb_result())
        guard duckdb_execute_pending(pending, result) == DuckDBSuccess else {
            let error = DuckDBError.fromC(
                .execute, duckdb_result_error(result), type: duckdb_result_error_type(result), sql: statement.sql)
            duckdb_destroy_result(result)
            result.deallocate()
            duckdb_destroy_pending(&pendingHandle)
            throw error
        }
        self.statement = statement
        self.pending = pending
        self.result = result
        let count = Int(duckdb_column_count(result))
        self.columnNames = (0..<count).map { String(cString: duckdb_column_name(result, idx_t($0))) }
        self.columnTypes = (0..<count).map { column in
            var logical: duckdb_logical_type? = duckdb_column_logical_type(result, idx_t(column))
            defer { duckdb_destroy_logical_type(&logical) }
            return ColumnType(logical!)
        }
    }

    deinit {
        close()
        result.deallocate()
    }

    /// Ends the statement now, whether or not every chunk was read, and frees the result: the
    /// connection can then run another statement. Call it on the thread that owns the
    /// connection; `deinit` does it otherwise, wherever the last reference is dropped.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        finished = true
        duckdb_destroy_result(result)
        var pendingHandle: duckdb_pending_result? = pending
        duckdb_destroy_pending(&pendingHandle)
    }

    public var columnCount: Int { columnNames.count }

    /// The next chunk of rows, or `nil` after the last one.
    ///
    /// - Throws: ``DuckDBError`` when the query fails while running (for example when it is
    ///   interrupted).
    public func nextChunk() throws -> DataChunk? {
        guard !finished else { return nil }
        if let chunk = duckdb_fetch_chunk(result.pointee) {
            if duckdb_data_chunk_get_size(chunk) > 0 {
                return DataChunk(chunk, types: columnTypes)
            }
            var empty: duckdb_data_chunk? = chunk
            duckdb_destroy_data_chunk(&empty)
        }
        finished = true
        if let message = duckdb_result_error(result) {
            throw DuckDBError.fromC(.fetch, message, type: duckdb_result_error_type(result), sql: statement.sql)
        }
        return nil
    }

    /// Calls `body` with each remaining chunk, in order.
    public func forEachChunk(_ body: (DataChunk) throws -> Void) throws {
        while let chunk = try nextChunk() {
            try body(chunk)
        }
    }

    /// Reads every remaining row into memory. Meant for small results (tests, settings, counts).
    public func rows() throws -> [[DuckDBValue]] {
        var rows: [[DuckDBValue]] = []
        try forEachChunk { chunk in
            for row in 0..<chunk.count {
                rows.append(try (0..<chunk.columnCount).map { try chunk.value(row: row, column: $0) })
            }
        }
        return rows
    }
}
