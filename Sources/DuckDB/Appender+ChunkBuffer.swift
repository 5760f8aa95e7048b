internal import CDuckDB

extension Appender {
    /// Rows being built directly in a DuckDB data chunk, handed to the appender 2,048 at a time.
    ///
    /// DuckDB's per-value append calls dispatch on the column type and cast every value; writing
    /// into the chunk's vectors instead costs a store per value. Active when every column has one
    /// of the types below; for other tables it stays empty and the per-value calls are used.
    final class ChunkBuffer {
        enum Kind {
            case bool, int32, int64, uint64, float, double, varchar, blob, timestampMicros, timestampNanos

            init?(_ type: duckdb_type) {
                switch type {
                case DUCKDB_TYPE_BOOLEAN: self = .bool
                case DUCKDB_TYPE_INTEGER: self = .int32
                case DUCKDB_TYPE_BIGINT: self = .int64
                case DUCKDB_TYPE_UBIGINT: self = .uint64
                case DUCKDB_TYPE_FLOAT: self = .float
                case DUCKDB_TYPE_DOUBLE: self = .double
                case DUCKDB_TYPE_VARCHAR: self = .varchar
                case DUCKDB_TYPE_BLOB: self = .blob
                case DUCKDB_TYPE_TIMESTAMP, DUCKDB_TYPE_TIMESTAMP_TZ: self = .timestampMicros
                case DUCKDB_TYPE_TIMESTAMP_NS: self = .timestampNanos
                default: return nil
                }
            }

            var sqlName: String {
                switch self {
                case .bool: "BOOLEAN"
                case .int32: "INTEGER"
                case .int64: "BIGINT"
                case .uint64: "UBIGINT"
                case .float: "FLOAT"
                case .double: "DOUBLE"
                case .varchar: "VARCHAR"
                case .blob: "BLOB"
                case .timestampMicros: "TIMESTAMP"
                case .timestampNanos: "TIMESTAMP_NS"
                }
            }
        }

        /// `nil` when the table has a column this buffer does not write.
        let chunk: duckdb_data_chunk?
        /// Number of columns written; 0 when `chunk` is `nil`.
        let count: Int
        let columnNames: [String]
        let capacity = Int(duckdb_vector_size())
        // Plain buffers rather than arrays: read for every value, they must cost no reference
        // counting and no exclusivity checks.
        let kinds: UnsafeMutablePointer<Kind>
        private let vectors: UnsafeMutablePointer<duckdb_vector?>
        private let data: UnsafeMutablePointer<UnsafeMutableRawPointer>
        private let validity: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
        @exclusivity(unchecked) private(set) var row = 0
        @exclusivity(unchecked) private(set) var column = 0

        init(appender: duckdb_appender, columnNames: [String]) {
            let columns = Int(duckdb_appender_column_count(appender))
            var types: [duckdb_logical_type?] = []
            defer { for index in types.indices { duckdb_destroy_logical_type(&types[index]) } }
            var kinds: [Kind] = []
            for index in 0..<columns {
                let type = duckdb_appender_column_type(appender, idx_t(index))
                types.append(type)
                if let type, let kind = Kind(duckdb_get_type_id(type)) { kinds.append(kind) }
            }
            let chunk = kinds.count == columns && columns > 0
                ? types.withUnsafeMutableBufferPointer { duckdb_create_data_chunk($0.baseAddress, idx_t(columns)) }
                : nil
            self.chunk = chunk
            self.count = chunk == nil ? 0 : columns
            self.columnNames = columnNames.count == columns ? columnNames : (0..<columns).map { "#\($0 + 1)" }
            self.kinds = .allocate(capacity: count)
            self.kinds.initialize(from: kinds, count: count)
            self.vectors = .allocate(capacity: count)
            self.data = .allocate(capacity: count)
            self.validity = .allocate(capacity: count)
            refreshPointers()
        }

        deinit {
            var owned = chunk
            duckdb_destroy_data_chunk(&owned)
            kinds.deallocate()
            vectors.deallocate()
            data.deallocate()
            validity.deallocate()
        }

        var isActive: Bool { chunk != nil }

        private func refreshPointers() {
            guard let chunk else { return }
            for index in 0..<count {
                let vector = duckdb_data_chunk_get_vector(chunk, idx_t(index))
                duckdb_vector_ensure_validity_writable(vector)
                vectors[index] = vector
                data[index] = duckdb_vector_get_data(vector)!
                validity[index] = duckdb_vector_get_validity(vector)!
            }
        }

        /// The column the next value goes to; throws when the row already has every column.
        @inline(__always)
        func nextColumn() throws -> Int {
            guard column < count else {
                throw discardRow(message: "too many values in row: the table has \(count) columns")
            }
            defer { column += 1 }
            return column
        }

        @inline(__always)
        func store<T>(_ value: T, at column: Int) {
            data[column].storeBytes(of: value, toByteOffset: row &* MemoryLayout<T>.stride, as: T.self)
        }

        func storeBytes(_ bytes: UnsafeRawBufferPointer, at column: Int) {
            duckdb_unsafe_vector_assign_string_element_len(
                vectors[column], idx_t(row), bytes.baseAddress?.assumingMemoryBound(to: CChar.self), idx_t(bytes.count))
        }

        func storeNull(at column: Int) {
            validity[column][row &>> 6] &= ~(1 &<< UInt64(row & 63))
        }

        /// Completes the row; returns true when the chunk is full and must be handed over.
        func endRow() throws -> Bool {
            guard column == count else {
                throw discardRow(message: "row has \(column) values but the table has \(count) columns")
            }
            column = 0
            row += 1
            return row == capacity
        }

        /// Drops the values of the unfinished row, so that the next value starts a new row.
        func discardRow(message: String) -> DuckDBError {
            for index in 0..<count {
                validity[index][row &>> 6] |= 1 &<< UInt64(row & 63)
            }
            column = 0
            return DuckDBError(operation: .append, kind: .invalidArgument, message: message)
        }

        func mismatch(_ column: Int, _ swiftType: String) -> DuckDBError {
            _ = discardRow(message: "")
            return DuckDBError(
                operation: .append, kind: .typeMismatch,
                message: "column \(columnNames[column]) (#\(column + 1)) has type \(kinds[column].sqlName), which cannot hold a \(swiftType) value; the row was discarded")
        }

        func outOfRange(_ column: Int, _ value: some CustomStringConvertible) -> DuckDBError {
            _ = discardRow(message: "")
            return DuckDBError(
                operation: .append, kind: .conversion,
                message: "value \(value) is out of range for column \(columnNames[column]) (#\(column + 1)) of type \(kinds[column].sqlName); the row was discarded")
        }

        /// Hands the complete rows to the appender and starts an empty chunk. The unfinished row,
        /// if any, is discarded.
        func handOver(to appender: duckdb_appender) -> duckdb_state {
            guard let chunk, row > 0 else { return DuckDBSuccess }
            duckdb_data_chunk_set_size(chunk, idx_t(row))
            let state = duckdb_append_data_chunk(appender, chunk)
            duckdb_data_chunk_reset(chunk)
            row = 0
            column = 0
            refreshPointers()
            return state
        }
    }
}
