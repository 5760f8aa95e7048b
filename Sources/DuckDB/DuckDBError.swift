internal import CDuckDB

/// An error from DuckDB or from the wrapper, carrying DuckDB's own message and the SQL involved.
public struct DuckDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the wrapper was doing when the error happened.
    public enum Operation: String, Sendable {
        case open, connect, configure, query, prepare, bind, execute, fetch, append, read
    }

    /// DuckDB's classification of an error, when DuckDB reported one.
    public enum Kind: Sendable, Equatable {
        case interrupted
        case syntax
        case catalog
        case constraint
        case conversion
        case io
        case permission
        case outOfMemory
        case typeMismatch
        case invalidArgument
        case other(code: Int)
    }

    public var operation: Operation
    public var kind: Kind
    /// DuckDB's message (or the wrapper's, for errors it detects itself).
    public var message: String
    /// The SQL text the error belongs to, when there is one.
    public var sql: String?

    public init(operation: Operation, kind: Kind, message: String, sql: String? = nil) {
        self.operation = operation
        self.kind = kind
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "DuckDB \(operation.rawValue) failed: \(message)"
        if let sql {
            text += " [SQL: \(sql.count > 500 ? String(sql.prefix(500)) + "…" : sql)]"
        }
        return text
    }

    /// True when the statement stopped because `Connection.interrupt()` was called.
    public var isInterrupted: Bool { kind == .interrupted }

    /// True when DuckDB ran out of memory: its memory limit was full and nothing could be evicted
    /// or spilled. A commit reports this wrapped in a transaction error ("Failed to commit:
    /// failed to pin block …"), so the message is looked at as well as the kind.
    public var isOutOfMemory: Bool {
        kind == .outOfMemory
            || [
                "Out of Memory Error", "failed to pin block", "failed to offload data block", "failed to allocate",
                "could not allocate",
            ].contains { message.contains($0) }
    }
}

extension DuckDBError.Kind {
    init(_ type: duckdb_error_type) {
        switch type {
        case DUCKDB_ERROR_INTERRUPT: self = .interrupted
        case DUCKDB_ERROR_PARSER, DUCKDB_ERROR_SYNTAX: self = .syntax
        case DUCKDB_ERROR_CATALOG, DUCKDB_ERROR_BINDER: self = .catalog
        case DUCKDB_ERROR_CONSTRAINT: self = .constraint
        case DUCKDB_ERROR_CONVERSION, DUCKDB_ERROR_OUT_OF_RANGE: self = .conversion
        case DUCKDB_ERROR_IO: self = .io
        case DUCKDB_ERROR_PERMISSION: self = .permission
        case DUCKDB_ERROR_OUT_OF_MEMORY: self = .outOfMemory
        case DUCKDB_ERROR_MISMATCH_TYPE: self = .typeMismatch
        case DUCKDB_ERROR_INVALID_INPUT: self = .invalidArgument
        default: self = .other(code: Int(type.rawValue))
        }
    }

    /// Classifies an error known only by its text (open errors come without a type).
    init(message: String) {
        let prefixes: [(String, Self)] = [
            ("IO Error", .io), ("Permission Error", .permission), ("INTERRUPT", .interrupted),
            ("Parser Error", .syntax), ("Syntax Error", .syntax), ("Catalog Error", .catalog),
            ("Binder Error", .catalog), ("Constraint Error", .constraint), ("Conversion Error", .conversion),
            ("Out of Range Error", .conversion), ("Invalid Input Error", .invalidArgument),
            ("Out of Memory Error", .outOfMemory), ("Mismatch Type Error", .typeMismatch),
        ]
        self = prefixes.first { message.hasPrefix($0.0) }?.1 ?? .other(code: -1)
    }
}

extension DuckDBError {
    /// Builds an error from a C string DuckDB owns (not freed here).
    static func fromC(
        _ operation: Operation, _ message: UnsafePointer<CChar>?, type: duckdb_error_type? = nil, sql: String? = nil
    ) -> DuckDBError {
        let text = message.map { String(cString: $0) } ?? "unknown error"
        let kind = type.map(Kind.init) ?? Kind(message: text)
        return DuckDBError(operation: operation, kind: kind, message: text, sql: sql)
    }

    /// Builds an error from a `duckdb_error_data` and destroys it.
    static func consuming(_ data: duckdb_error_data?, _ operation: Operation, sql: String? = nil) -> DuckDBError {
        guard let data else {
            return DuckDBError(operation: operation, kind: .other(code: -1), message: "unknown error", sql: sql)
        }
        var owned: duckdb_error_data? = data
        defer { duckdb_destroy_error_data(&owned) }
        return fromC(operation, duckdb_error_data_message(data), type: duckdb_error_data_error_type(data), sql: sql)
    }
}
