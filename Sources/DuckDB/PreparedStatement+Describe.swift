internal import CDuckDB

extension PreparedStatement {
    /// What kind of statement this is; lets a caller accept only reads.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        case select, explain, insert, update, delete, create, drop, alter, copy, attach, detach
        case transaction, set, pragma, call, load, export, other(code: Int)

        init(_ type: duckdb_statement_type) {
            self = switch type {
            case DUCKDB_STATEMENT_TYPE_SELECT: .select
            case DUCKDB_STATEMENT_TYPE_EXPLAIN: .explain
            case DUCKDB_STATEMENT_TYPE_INSERT: .insert
            case DUCKDB_STATEMENT_TYPE_UPDATE: .update
            case DUCKDB_STATEMENT_TYPE_DELETE: .delete
            case DUCKDB_STATEMENT_TYPE_CREATE, DUCKDB_STATEMENT_TYPE_CREATE_FUNC: .create
            case DUCKDB_STATEMENT_TYPE_DROP: .drop
            case DUCKDB_STATEMENT_TYPE_ALTER: .alter
            case DUCKDB_STATEMENT_TYPE_COPY, DUCKDB_STATEMENT_TYPE_COPY_DATABASE: .copy
            case DUCKDB_STATEMENT_TYPE_ATTACH: .attach
            case DUCKDB_STATEMENT_TYPE_DETACH: .detach
            case DUCKDB_STATEMENT_TYPE_TRANSACTION: .transaction
            case DUCKDB_STATEMENT_TYPE_SET, DUCKDB_STATEMENT_TYPE_VARIABLE_SET: .set
            case DUCKDB_STATEMENT_TYPE_PRAGMA: .pragma
            case DUCKDB_STATEMENT_TYPE_CALL: .call
            case DUCKDB_STATEMENT_TYPE_LOAD, DUCKDB_STATEMENT_TYPE_EXTENSION, DUCKDB_STATEMENT_TYPE_UPDATE_EXTENSIONS: .load
            case DUCKDB_STATEMENT_TYPE_EXPORT: .export
            default: .other(code: Int(type.rawValue))
            }
        }

        public var description: String {
            switch self {
            case .select: "SELECT"
            case .explain: "EXPLAIN"
            case .insert: "INSERT"
            case .update: "UPDATE"
            case .delete: "DELETE"
            case .create: "CREATE"
            case .drop: "DROP"
            case .alter: "ALTER"
            case .copy: "COPY"
            case .attach: "ATTACH"
            case .detach: "DETACH"
            case .transaction: "a transaction statement"
            case .set: "SET"
            case .pragma: "PRAGMA"
            case .call: "CALL"
            case .load: "INSTALL/LOAD"
            case .export: "EXPORT"
            case .other(let code): "statement type \(code)"
            }
        }
    }

    /// The kind of statement, known once prepared and before it runs.
    public var kind: Kind { Kind(duckdb_prepared_statement_type(handle)) }

    /// The result columns' names and types, known before the statement runs.
    public var resultColumns: [(name: String, type: ColumnType)] {
        (0..<duckdb_prepared_statement_column_count(handle)).map { index in
            let name = duckdb_prepared_statement_column_name(handle, index).map { name in
                defer { duckdb_free(UnsafeMutableRawPointer(mutating: name)) }
                return String(cString: name)
            } ?? ""
            var logical: duckdb_logical_type? = duckdb_prepared_statement_column_logical_type(handle, index)
            defer { duckdb_destroy_logical_type(&logical) }
            return (name, ColumnType(logical!))
        }
    }
}

extension Connection {
    /// How far the statement running on this connection has come; `nil` when nothing runs or
    /// DuckDB cannot tell. Safe to call from any thread while another runs the statement.
    public var progress: (fraction: Double, rowsProcessed: Int, totalRows: Int)? {
        let progress = duckdb_query_progress(handle)
        guard progress.percentage >= 0 else { return nil }
        return (progress.percentage / 100, Int(progress.rows_processed), Int(progress.total_rows_to_process))
    }
}
