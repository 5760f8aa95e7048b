internal import CDuckDB
public import struct Foundation.Data

/// Inserts rows into one table through DuckDB's appender: column by column, row by row, far
/// faster than INSERT statements.
///
/// Append one value per column, then ``endRow()``. Rows become visible when the appender is
/// flushed (``flush()``, ``close()``, or automatically every few thousand rows). Call ``close()``
/// to see any error from the final flush: releasing an appender without closing it flushes too,
/// but has no way to report a failure. Thread safety: one thread at a time.
public final class Appender: @unchecked Sendable {
    public let connection: Connection
    public let table: String
    private let handle: duckdb_appender
    private var isClosed = false

    init(connection: Connection, table: String, schema: String?) throws {
        var appender: duckdb_appender?
        let state = duckdb_appender_create(connection.handle, schema, table, &appender)
        guard state == DuckDBSuccess, let appender else {
            let error = DuckDBError.consuming(
                appender.map { duckdb_appender_error_data($0) }, .append, sql: "append to \(table)")
            duckdb_appender_destroy(&appender)
            throw error
        }
        self.connection = connection
        self.table = table
        self.handle = appender
    }

    deinit {
        var appender: duckdb_appender? = handle
        duckdb_appender_destroy(&appender)
    }

    /// Number of columns each row must have.
    public var columnCount: Int { Int(duckdb_appender_column_count(handle)) }

    /// Throws when the C call failed, or when the appender was closed (DuckDB accepts values
    /// into an appender whose close failed, and would silently drop them).
    @inline(__always)
    private func check(_ state: duckdb_state) throws {
        if state != DuckDBSuccess || isClosed { throw currentError() }
    }

    private func currentError() -> DuckDBError {
        if isClosed {
            return DuckDBError(
                operation: .append, kind: .invalidArgument, message: "the appender for \(table) is closed",
                sql: "append to \(table)")
        }
        return DuckDBError.consuming(duckdb_appender_error_data(handle), .append, sql: "append to \(table)")
    }

    public func append(_ value: Bool) throws { try check(duckdb_append_bool(handle, value)) }
    public func append(_ value: Int32) throws { try check(duckdb_append_int32(handle, value)) }
    public func append(_ value: Int64) throws { try check(duckdb_append_int64(handle, value)) }
    public func append(_ value: UInt64) throws { try check(duckdb_append_uint64(handle, value)) }
    public func append(_ value: Double) throws { try check(duckdb_append_double(handle, value)) }
    public func append(_ value: Float) throws { try check(duckdb_append_float(handle, value)) }

    public func append(_ value: String) throws {
        var value = value
        try check(value.withUTF8 { duckdb_append_varchar_length(handle, $0.baseAddress, idx_t($0.count)) })
    }

    public func append(_ value: Data) throws {
        try check(value.withUnsafeBytes { duckdb_append_blob(handle, $0.baseAddress, idx_t($0.count)) })
    }

    public func append(_ value: Timestamp) throws {
        try check(duckdb_append_timestamp(handle, duckdb_timestamp(micros: value.microsecondsSinceEpoch)))
    }

    public func append(_ value: TimestampNanos) throws {
        var owned = duckdb_create_timestamp_ns(duckdb_timestamp_ns(nanos: value.nanosecondsSinceEpoch))
        defer { duckdb_destroy_value(&owned) }
        try check(duckdb_append_value(handle, owned))
    }

    public func appendNull() throws { try check(duckdb_append_null(handle)) }

    /// Appends a value of any supported type; `.null` appends NULL.
    public func append(_ value: DuckDBValue) throws {
        switch value {
        case .null: try appendNull()
        case .bool(let v): try append(v)
        case .int8(let v): try check(duckdb_append_int8(handle, v))
        case .int16(let v): try check(duckdb_append_int16(handle, v))
        case .int32(let v): try append(v)
        case .int64(let v): try append(v)
        case .uint8(let v): try check(duckdb_append_uint8(handle, v))
        case .uint16(let v): try check(duckdb_append_uint16(handle, v))
        case .uint32(let v): try check(duckdb_append_uint32(handle, v))
        case .uint64(let v): try append(v)
        case .float(let v): try append(v)
        case .double(let v): try append(v)
        case .string(let v): try append(v)
        case .blob(let v): try append(v)
        case .timestamp(let v): try append(v)
        case .timestampNanos(let v): try append(v)
        case .other(let type, _):
            throw DuckDBError(
                operation: .append, kind: .invalidArgument, message: "cannot append a value of type \(type)",
                sql: "append to \(table)")
        }
    }

    /// Finishes the current row. Throws when the row has too few values.
    public func endRow() throws { try check(duckdb_appender_end_row(handle)) }

    /// Writes buffered rows to the table. On failure no buffered row is written and the appender
    /// cannot be used further.
    public func flush() throws { try check(duckdb_appender_flush(handle)) }

    /// Flushes and closes; later appends throw.
    public func close() throws {
        guard !isClosed else { return }
        let state = duckdb_appender_close(handle)
        if state != DuckDBSuccess {
            let error = currentError()
            isClosed = true
            throw error
        }
        isClosed = true
    }
}
