public import DuckDB
import TradewatchStorage

/// One statement running on a leased read connection, its rows encoded chunk by chunk.
///
/// ``start(_:)`` prepares and runs the statement and reads its first chunk, so that every error
/// DuckDB reports before rows flow (bad SQL, a refused statement, a timeout) is thrown before
/// the response status is sent; ``next()`` then encodes one chunk at a time. Memory stays flat
/// whatever the row count. Thread safety: one task at a time; ``RunningQueries`` may cancel.
public final class StreamedQuery: @unchecked Sendable {
    public struct Options: Sendable {
        public var format: ResultFormat
        public var shape: RowEncoder.Shape
        /// Rows written at most; the rest are skipped and ``isTruncated`` is set.
        public var maxRows: Int
        /// Trailing columns used for the cursor and not written (`ts` ns and `rowid`).
        public var cursorColumns: Bool
        public var timeout: Duration?
        /// Refuses anything but a single SELECT and runs it in a read-only transaction.
        public var userSQL: Bool
        /// User SQL whose tables have archived days: plain table names read the archive too
        /// (the `tradewatch_archive` views first on the search path for this statement).
        public var readsArchive = false
        /// Rows an earlier statement of the same answer already wrote (no CSV header then).
        public var rowsBefore: Int

        public init(
            format: ResultFormat, shape: RowEncoder.Shape = .objects, maxRows: Int = .max, cursorColumns: Bool = false,
            timeout: Duration? = nil, userSQL: Bool = false, rowsBefore: Int = 0
        ) {
            self.rowsBefore = rowsBefore
            self.format = format
            self.shape = shape
            self.maxRows = maxRows
            self.cursorColumns = cursorColumns
            self.timeout = timeout
            self.userSQL = userSQL
        }
    }

    public let plan: QueryPlan
    public let options: Options
    public private(set) var encoder: RowEncoder!
    /// The columns written, with their SQL types.
    public private(set) var columns: [(name: String, type: ColumnType)] = []
    public private(set) var isTruncated = false
    /// `(ts ns, rowid)` of the last row written, when ``Options/cursorColumns``.
    public private(set) var lastKey: (timestamp: Int64, rowid: Int64)?
    /// True when a row beyond ``Options/maxRows`` exists.
    public private(set) var hasMore = false
    let entry: RunningQueries.Entry
    /// Time spent waiting for DuckDB; ``Options/timeout`` limits this, not the time a slow
    /// client takes to read the answer.
    public private(set) var spent: Duration = .zero
    private var result: ResultSet?
    private var pendingChunk: DataChunk?
    private var finished = false

    init(plan: QueryPlan, options: Options, entry: RunningQueries.Entry) {
        self.plan = plan
        self.options = options
        self.entry = entry
    }

    var lease: ReadLease { entry.lease }

    /// Runs the statement through its first chunk.
    /// - Throws: ``QueryError`` for refused or failing SQL, a timeout or a cancellation.
    func start() async throws {
        let plan = self.plan
        let options = self.options
        let lease = self.lease
        let (result, chunk) = try await guarded { connection in
            if options.userSQL { try connection.execute("BEGIN TRANSACTION READ ONLY") }
            if options.readsArchive {
                try connection.execute("SET search_path = '\(ArchiveViews.transparentSchema),main'")
            }
            let statement = options.userSQL
                ? try Self.prepare(plan.sql, on: connection, userSQL: true) : try lease.cachedStatement(plan.sql)
            try statement.bind(plan.parameters)
            let result = try statement.query()
            return (result, try result.nextChunk())
        }
        self.result = result
        pendingChunk = chunk
        let all = zip(result.columnNames, result.columnTypes).map { (name: $0, type: $1) }
        columns = options.cursorColumns ? Array(all.dropLast(2)) : all
        encoder = try RowEncoder(
            columns: columns, format: options.format, shape: options.shape, rowsBefore: options.rowsBefore)
    }

    /// Prepares `sql`; for user SQL, refuses all but one SELECT and casts columns the encoder
    /// cannot write to VARCHAR.
    private static func prepare(_ sql: String, on connection: Connection, userSQL: Bool) throws -> PreparedStatement {
        let statement = try connection.prepare(sql)
        guard userSQL else { return statement }
        guard statement.kind == .select else {
            throw QueryError(
                "only a single SELECT (or WITH … SELECT, VALUES, FROM …) statement may run here; this is \(statement.kind)",
                parameter: "sql")
        }
        let columns = statement.resultColumns
        guard columns.contains(where: { !RowEncoder.canEncode($0.type) }) else { return statement }
        // Column names as DuckDB gives them to a subquery (duplicates renamed), then casts.
        let inner = "(\(sql)) AS tradewatch_query"
        let described = try connection.prepare("SELECT * FROM \(inner)").resultColumns
        let casts = described.filter { !RowEncoder.canEncode($0.type) }.map { column in
            let name = "\"\(column.name.replacingOccurrences(of: "\"", with: "\"\""))\""
            return "CAST(\(name) AS VARCHAR) AS \(name)"
        }
        return try connection.prepare("SELECT * REPLACE (\(casts.joined(separator: ", "))) FROM \(inner)")
    }

    /// The encoded rows of the next chunk (CSV: the header comes with the first), or `nil` at
    /// the end.
    public func next() async throws -> [UInt8]? {
        guard !finished else { return nil }
        var output: [UInt8] = []
        if encoder.rowCount == 0, options.rowsBefore == 0, pendingChunk != nil || result != nil {
            output = encoder.header()
        }
        let chunk: DataChunk?
        if let pending = pendingChunk {
            chunk = pending
            pendingChunk = nil
        } else if let result {
            chunk = try await guarded { _ in try result.nextChunk() }
        } else {
            chunk = nil
        }
        guard let chunk else {
            try await finish()
            return output.isEmpty ? nil : output
        }
        let room = options.maxRows - (encoder.rowCount - options.rowsBefore)
        let rows = 0..<min(chunk.count, room)
        if chunk.count > room {
            isTruncated = true
            hasMore = true
        }
        try encoder.encode(chunk, rows: rows, into: &output)
        if options.cursorColumns, let last = rows.last {
            let timestamps = try chunk.column(chunk.columnCount - 2, as: Int64.self)
            let rowids = try chunk.column(chunk.columnCount - 1, as: Int64.self)
            lastKey = (timestamps[last] ?? 0, rowids[last] ?? 0)
        }
        if isTruncated { try await finish() }
        return output
    }

    /// Ends the statement and the read-only transaction; the lease can then be released.
    public func finish() async throws {
        guard !finished else { return }
        finished = true
        let result = self.result
        self.result = nil
        pendingChunk = nil
        let userSQL = options.userSQL
        let readsArchive = options.readsArchive
        try await lease.run { connection in
            result?.close()
            var rollbackFailure: (any Error)?
            if userSQL {
                do { try connection.execute("ROLLBACK") } catch { rollbackFailure = error }
            }
            // The connection goes back to the pool, whose other users name live tables: the
            // search path is reset even when the rollback failed.
            if readsArchive { try connection.execute("RESET search_path") }
            if let rollbackFailure { throw rollbackFailure }
        }
    }

    /// Runs `body` on the lease within the remaining time, turning DuckDB's failures into
    /// ``QueryError``s that say why.
    private func guarded<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        if entry.isCancelled { throw QueryError("the query was cancelled", kind: .cancelled) }
        let remaining = options.timeout.map { $0 - spent }
        if let remaining, remaining <= .zero { throw timeoutError() }
        let started = ContinuousClock.now
        defer { spent += .now - started }
        do {
            return try await lease.run(timeout: remaining, body)
        } catch let error as DuckDBError {
            if entry.isCancelled { throw QueryError("the query was cancelled", kind: .cancelled) }
            if error.isInterrupted, let remaining, ContinuousClock.now - started >= remaining { throw timeoutError() }
            if error.isInterrupted { throw QueryError("the query was cancelled", kind: .cancelled) }
            if error.isOutOfMemory {
                throw QueryError(
                    "DuckDB had no memory left for the query (its memory limit, --duckdb-memory-limit, is shared "
                        + "with ingestion and other queries); retry later or narrow the query: \(error.message)",
                    kind: .outOfMemory)
            }
            throw QueryError(error.message, parameter: options.userSQL ? "sql" : nil, kind: options.userSQL ? .invalid : .failed)
        }
    }

    private func timeoutError() -> QueryError {
        let limit = options.timeout.map { "\($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) ms" } ?? "its limit"
        return QueryError("the query ran longer than \(limit) and was stopped", kind: .timeout)
    }
}

extension StreamedQuery {
    /// Drops the result and the read-only transaction at once, on the calling thread: for a
    /// query abandoned without ``finish()`` (a response never written). Never used otherwise.
    func abandon() {
        guard !finished else { return }
        finished = true
        result?.close()
        result = nil
        pendingChunk = nil
        if options.userSQL { _ = try? lease.connection.execute("ROLLBACK") }
        if options.readsArchive { _ = try? lease.connection.execute("RESET search_path") }
    }
}
