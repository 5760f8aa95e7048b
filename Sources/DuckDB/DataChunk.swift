internal import CDuckDB

/// Up to 2,048 rows of a result, stored column by column as DuckDB produced them.
///
/// Read a column with ``column(_:as:)``, which checks the type once and then reads values
/// straight from DuckDB's vectors. Thread safety: immutable; may be read from any thread.
public final class DataChunk: @unchecked Sendable {
    let handle: duckdb_data_chunk
    /// Number of rows in the chunk.
    public let count: Int
    public let columnTypes: [ColumnType]

    init(_ handle: duckdb_data_chunk, types: [ColumnType]) {
        self.handle = handle
        self.count = Int(duckdb_data_chunk_get_size(handle))
        self.columnTypes = types
    }

    deinit {
        var chunk: duckdb_data_chunk? = handle
        duckdb_destroy_data_chunk(&chunk)
    }

    public var columnCount: Int { columnTypes.count }

    /// Typed access to column `index`.
    ///
    /// - Throws: ``DuckDBError`` with kind `.typeMismatch` when the column's type cannot be read
    ///   as `T` without loss (an `INTEGER` reads as `Int64`, a `VARCHAR` never as `Double`).
    public func column<T: DuckDBReadable>(_ index: Int, as type: T.Type = T.self) throws -> Column<T> {
        let columnType = try self.columnType(at: index)
        guard let reader = T.reader(for: columnType) else {
            throw DuckDBError(
                operation: .read, kind: .typeMismatch,
                message: "column \(index) has type \(columnType.name), which cannot be read as \(T.self)")
        }
        let (data, validity) = try vector(at: index)
        return Column(chunk: self, data: data, validity: validity, read: reader)
    }

    /// The value at `row` of column `column`, whatever its type. Slower than ``column(_:as:)``.
    public func value(row: Int, column index: Int) throws -> DuckDBValue {
        let columnType = try self.columnType(at: index)
        guard row >= 0, row < count else {
            throw DuckDBError(
                operation: .read, kind: .invalidArgument, message: "row \(row) is out of range: the chunk has \(count) rows")
        }
        guard let reader = DuckDBValue.reader(for: columnType) else {
            throw DuckDBError(
                operation: .read, kind: .typeMismatch,
                message: "column \(index) has type \(columnType.name), which the wrapper does not decode; cast it in SQL")
        }
        let (data, validity) = try vector(at: index)
        return Column(chunk: self, data: data, validity: validity, read: reader)[row] ?? .null
    }

    private func columnType(at index: Int) throws -> ColumnType {
        guard index >= 0, index < columnTypes.count else {
            throw DuckDBError(
                operation: .read, kind: .invalidArgument,
                message: "column \(index) is out of range: the result has \(columnTypes.count) columns")
        }
        return columnTypes[index]
    }

    private func vector(at index: Int) throws -> (UnsafeRawPointer, UnsafePointer<UInt64>?) {
        let vector = duckdb_data_chunk_get_vector(handle, idx_t(index))
        guard let data = duckdb_vector_get_data(vector) else {
            throw DuckDBError(operation: .read, kind: .typeMismatch, message: "column \(index) has no flat data to read")
        }
        return (UnsafeRawPointer(data), duckdb_vector_get_validity(vector).map { UnsafePointer($0) })
    }
}

/// One column of a ``DataChunk``, read as `T`; `nil` for SQL NULL.
///
/// Sendable because the chunk it points into is immutable and kept alive by `chunk`.
public struct Column<T>: @unchecked Sendable {
    /// Keeps the chunk's memory alive while the column is read.
    let chunk: DataChunk
    let data: UnsafeRawPointer
    let validity: UnsafePointer<UInt64>?
    let read: @Sendable (UnsafeRawPointer, Int) -> T

    public var count: Int { chunk.count }

    /// True when the value at `row` is SQL NULL (checked against DuckDB's validity mask).
    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return validity[row &>> 6] & (1 &<< UInt64(row & 63)) == 0
    }

    public subscript(row: Int) -> T? {
        precondition(row >= 0 && row < chunk.count, "row \(row) out of range 0..<\(chunk.count)")
        return isNull(row) ? nil : read(data, row)
    }
}
