internal import CDuckDB
import struct Foundation.Data

/// A statement parsed and planned once, run many times with different parameters.
///
/// Thread safety: like its ``Connection``, one thread at a time.
public final class PreparedStatement: @unchecked Sendable {
    public let connection: Connection
    public let sql: String
    let handle: duckdb_prepared_statement

    init(connection: Connection, sql: String) throws {
        var statement: duckdb_prepared_statement?
        let state = duckdb_prepare(connection.handle, sql, &statement)
        guard state == DuckDBSuccess, let statement else {
            let error = DuckDBError.fromC(.prepare, statement.flatMap { duckdb_prepare_error($0) }, sql: sql)
            duckdb_destroy_prepare(&statement)
            throw error
        }
        self.connection = connection
        self.sql = sql
        self.handle = statement
    }

    deinit {
        var statement: duckdb_prepared_statement? = handle
        duckdb_destroy_prepare(&statement)
    }

    /// Number of parameters (`?` or `$n`) in the statement.
    public var parameterCount: Int { Int(duckdb_nparams(handle)) }

    /// Binds `value` to parameter `index`, counted from 1 as in SQL's `$1`.
    public func bind(_ value: DuckDBValue, at index: Int) throws {
        guard index >= 1, index <= parameterCount else {
            throw DuckDBError(
                operation: .bind, kind: .invalidArgument,
                message: "parameter index \(index) is out of range: the statement has \(parameterCount) parameter(s)",
                sql: sql)
        }
        let position = idx_t(index)
        let state: duckdb_state = switch value {
        case .null: duckdb_bind_null(handle, position)
        case .bool(let v): duckdb_bind_boolean(handle, position, v)
        case .int8(let v): duckdb_bind_int8(handle, position, v)
        case .int16(let v): duckdb_bind_int16(handle, position, v)
        case .int32(let v): duckdb_bind_int32(handle, position, v)
        case .int64(let v): duckdb_bind_int64(handle, position, v)
        case .uint8(let v): duckdb_bind_uint8(handle, position, v)
        case .uint16(let v): duckdb_bind_uint16(handle, position, v)
        case .uint32(let v): duckdb_bind_uint32(handle, position, v)
        case .uint64(let v): duckdb_bind_uint64(handle, position, v)
        case .float(let v): duckdb_bind_float(handle, position, v)
        case .double(let v): duckdb_bind_double(handle, position, v)
        case .string(var v):
            v.withUTF8 { duckdb_bind_varchar_length(handle, position, $0.baseAddress, idx_t($0.count)) }
        case .blob(let v):
            v.withUnsafeBytes { duckdb_bind_blob(handle, position, $0.baseAddress, idx_t($0.count)) }
        case .timestamp(let v):
            duckdb_bind_timestamp(handle, position, duckdb_timestamp(micros: v.microsecondsSinceEpoch))
        case .timestampNanos(let v):
            bindOwnedValue(duckdb_create_timestamp_ns(duckdb_timestamp_ns(nanos: v.nanosecondsSinceEpoch)), position)
        case .other(let type, let text):
            throw DuckDBError(
                operation: .bind, kind: .invalidArgument,
                message: "cannot bind a value of type \(type) (\(text)) to parameter \(index); bind it as a string and cast it in SQL",
                sql: sql)
        }
        guard state == DuckDBSuccess else {
            throw DuckDBError(
                operation: .bind, kind: .typeMismatch,
                message: "DuckDB refused value \(value) for parameter \(index)", sql: sql)
        }
    }

    /// Clears earlier bindings and binds `values` to parameters 1…n.
    public func bind(_ values: [DuckDBValue]) throws {
        guard values.count == parameterCount else {
            throw DuckDBError(
                operation: .bind, kind: .invalidArgument,
                message: "the statement has \(parameterCount) parameter(s) but \(values.count) value(s) were given",
                sql: sql)
        }
        clearBindings()
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    public func clearBindings() {
        duckdb_clear_bindings(handle)
    }

    /// Runs the statement and returns its rows, streamed chunk by chunk.
    public func query() throws -> ResultSet {
        try ResultSet(statement: self)
    }

    /// Runs the statement, discarding rows; returns the number of rows changed.
    @discardableResult
    public func execute() throws -> Int {
        var result = duckdb_result()
        defer { duckdb_destroy_result(&result) }
        guard duckdb_execute_prepared(handle, &result) == DuckDBSuccess else {
            throw DuckDBError.fromC(.execute, duckdb_result_error(&result), type: duckdb_result_error_type(&result), sql: sql)
        }
        return Int(duckdb_rows_changed(&result))
    }

    private func bindOwnedValue(_ value: duckdb_value?, _ position: idx_t) -> duckdb_state {
        var owned = value
        defer { duckdb_destroy_value(&owned) }
        guard let value else { return CDuckDB.DuckDBError }
        return duckdb_bind_value(handle, position, value)
    }
}
