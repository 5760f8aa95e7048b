internal import CDuckDB
public import struct Foundation.Data

/// Inserts rows into one table through DuckDB's appender: far faster than INSERT statements.
///
/// Append one value per column, then ``endRow()``. Rows become visible when the appender is
/// flushed (``flush()``, ``close()``, or automatically as its buffer fills). Call ``close()`` to
/// see any error from the final flush: releasing an appender without closing it flushes too, but
/// cannot report a failure.
///
/// Tables whose columns are all BOOLEAN, INTEGER, BIGINT, UBIGINT, FLOAT, DOUBLE, VARCHAR, BLOB or
/// a TIMESTAMP type are written straight into DuckDB's column vectors; a value that does not fit
/// its column (a `String` for a DOUBLE column, an `Int64` beyond INTEGER's range) throws at once
/// and its unfinished row is discarded. Other tables go through DuckDB's per-value calls, which
/// cast as SQL would. Thread safety: one thread at a time.
public final class Appender: @unchecked Sendable {
    public let connection: Connection
    public let table: String
    private let handle: duckdb_appender
    private let buffer: ChunkBuffer
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
        self.buffer = ChunkBuffer(
            appender: appender, columnNames: Self.columnNames(connection: connection, schema: schema, table: table))
    }

    deinit {
        if !isClosed { _ = buffer.handOver(to: handle) }
        var appender: duckdb_appender? = handle
        duckdb_appender_destroy(&appender)
    }

    private static func columnNames(connection: Connection, schema: String?, table: String) -> [String] {
        var description: duckdb_table_description?
        defer { duckdb_table_description_destroy(&description) }
        guard duckdb_table_description_create(connection.handle, schema, table, &description) == DuckDBSuccess,
            let description
        else { return [] }
        return (0..<duckdb_table_description_get_column_count(description)).map { index in
            guard let name = duckdb_table_description_get_column_name(description, index) else { return "?" }
            defer { duckdb_free(name) }
            return String(cString: name)
        }
    }

    /// Number of columns each row must have.
    public var columnCount: Int { Int(duckdb_appender_column_count(handle)) }

    @inline(__always)
    private func check(_ state: duckdb_state) throws {
        if state != DuckDBSuccess { throw currentError() }
    }

    private func currentError() -> DuckDBError {
        if isClosed {
            return DuckDBError(
                operation: .append, kind: .invalidArgument, message: "the appender for \(table) is closed",
                sql: "append to \(table)")
        }
        return DuckDBError.consuming(duckdb_appender_error_data(handle), .append, sql: "append to \(table)")
    }

    public func append(_ value: Bool) throws {
        guard buffer.isActive else { return try check(duckdb_append_bool(handle, value)) }
        let column = try buffer.nextColumn()
        guard buffer.kinds[column] == .bool else { throw buffer.mismatch(column, "Bool") }
        buffer.store(value, at: column)
    }

    public func append(_ value: Int32) throws {
        guard buffer.isActive else { return try check(duckdb_append_int32(handle, value)) }
        try appendInteger(Int64(value), buffer, "Int32")
    }

    public func append(_ value: Int64) throws {
        guard buffer.isActive else { return try check(duckdb_append_int64(handle, value)) }
        try appendInteger(value, buffer, "Int64")
    }

    @inline(__always)
    private func appendInteger(_ value: Int64, _ buffer: ChunkBuffer, _ swiftType: String) throws {
        let column = try buffer.nextColumn()
        switch buffer.kinds[column] {
        case .int64: buffer.store(value, at: column)
        case .double: buffer.store(Double(value), at: column)
        case .int32:
            guard let narrow = Int32(exactly: value) else { throw buffer.outOfRange(column, value) }
            buffer.store(narrow, at: column)
        case .uint64:
            guard value >= 0 else { throw buffer.outOfRange(column, value) }
            buffer.store(UInt64(value), at: column)
        default: throw buffer.mismatch(column, swiftType)
        }
    }

    public func append(_ value: UInt64) throws {
        guard buffer.isActive else { return try check(duckdb_append_uint64(handle, value)) }
        if buffer.column < buffer.count, buffer.kinds[buffer.column] == .uint64 {
            buffer.store(value, at: try buffer.nextColumn())
        } else if let signed = Int64(exactly: value) {
            try appendInteger(signed, buffer, "UInt64")
        } else {
            let column = try buffer.nextColumn()
            guard buffer.kinds[column] == .double else { throw buffer.outOfRange(column, value) }
            buffer.store(Double(value), at: column)
        }
    }

    public func append(_ value: Double) throws {
        guard buffer.isActive else { return try check(duckdb_append_double(handle, value)) }
        let column = try buffer.nextColumn()
        switch buffer.kinds[column] {
        case .double: buffer.store(value, at: column)
        case .float: buffer.store(Float(value), at: column)
        default: throw buffer.mismatch(column, "Double")
        }
    }

    public func append(_ value: Float) throws {
        guard buffer.isActive else { return try check(duckdb_append_float(handle, value)) }
        let column = try buffer.nextColumn()
        switch buffer.kinds[column] {
        case .float: buffer.store(value, at: column)
        case .double: buffer.store(Double(value), at: column)
        default: throw buffer.mismatch(column, "Float")
        }
    }

    public func append(_ value: String) throws {
        guard buffer.isActive else {
            return try check(Self.withUTF8(value) { duckdb_append_varchar_length(handle, $0.baseAddress, idx_t($0.count)) })
        }
        let column = try buffer.nextColumn()
        guard buffer.kinds[column] == .varchar || buffer.kinds[column] == .blob else {
            throw buffer.mismatch(column, "String")
        }
        Self.withUTF8(value) { buffer.storeBytes(UnsafeRawBufferPointer($0), at: column) }
    }

    /// The string's UTF-8 bytes, without copying a native string.
    @inline(__always)
    private static func withUTF8<R>(_ value: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = value.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = value
        return copy.withUTF8(body)
    }

    public func append(_ value: Data) throws {
        guard buffer.isActive else {
            return try check(value.withUnsafeBytes { duckdb_append_blob(handle, $0.baseAddress, idx_t($0.count)) })
        }
        let column = try buffer.nextColumn()
        guard buffer.kinds[column] == .blob else { throw buffer.mismatch(column, "Data") }
        value.withUnsafeBytes { buffer.storeBytes($0, at: column) }
    }

    public func append(_ value: Timestamp) throws {
        guard buffer.isActive else {
            return try check(duckdb_append_timestamp(handle, duckdb_timestamp(micros: value.microsecondsSinceEpoch)))
        }
        let column = try buffer.nextColumn()
        switch buffer.kinds[column] {
        case .timestampMicros: buffer.store(value.microsecondsSinceEpoch, at: column)
        case .timestampNanos:
            let (nanos, overflow) = value.microsecondsSinceEpoch.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw buffer.outOfRange(column, value) }
            buffer.store(nanos, at: column)
        default: throw buffer.mismatch(column, "Timestamp")
        }
    }

    public func append(_ value: TimestampNanos) throws {
        guard buffer.isActive else {
            var owned = duckdb_create_timestamp_ns(duckdb_timestamp_ns(nanos: value.nanosecondsSinceEpoch))
            defer { duckdb_destroy_value(&owned) }
            return try check(duckdb_append_value(handle, owned))
        }
        let column = try buffer.nextColumn()
        switch buffer.kinds[column] {
        case .timestampNanos: buffer.store(value.nanosecondsSinceEpoch, at: column)
        case .timestampMicros: buffer.store(value.microseconds.microsecondsSinceEpoch, at: column)
        default: throw buffer.mismatch(column, "TimestampNanos")
        }
    }

    public func appendNull() throws {
        guard buffer.isActive else { return try check(duckdb_append_null(handle)) }
        buffer.storeNull(at: try buffer.nextColumn())
    }

    /// Appends a value of any supported type; `.null` appends NULL.
    public func append(_ value: DuckDBValue) throws {
        switch value {
        case .null: try appendNull()
        case .bool(let v): try append(v)
        case .int8(let v): try append(Int32(v))
        case .int16(let v): try append(Int32(v))
        case .int32(let v): try append(v)
        case .int64(let v): try append(v)
        case .uint8(let v): try append(UInt64(v))
        case .uint16(let v): try append(UInt64(v))
        case .uint32(let v): try append(UInt64(v))
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

    /// Finishes the current row. Throws when the row has too few values (the row is then
    /// discarded), or when the appender is closed.
    public func endRow() throws {
        if isClosed { throw currentError() }
        guard buffer.isActive else { return try check(duckdb_appender_end_row(handle)) }
        if try buffer.endRow() {
            try check(buffer.handOver(to: handle))
        }
    }

    /// Writes the finished rows to the table; an unfinished row is discarded. On failure no
    /// buffered row is written and the appender cannot be used further.
    public func flush() throws {
        try check(buffer.handOver(to: handle))
        try check(duckdb_appender_flush(handle))
    }

    /// Flushes and closes; later appends throw.
    public func close() throws {
        guard !isClosed else { return }
        defer { isClosed = true }
        try check(buffer.handOver(to: handle))
        try check(duckdb_appender_close(handle))
    }
}
