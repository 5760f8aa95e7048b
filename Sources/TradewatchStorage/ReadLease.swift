public import DuckDB

/// A read connection held across several steps, such as a query whose result is streamed to a
/// client chunk by chunk. Every DuckDB call goes through ``run(timeout:_:)`` on the store's
/// reader threads. The connection returns to the pool when the lease is released, or at the
/// latest when the lease is deinitialised, so an abandoned stream never leaks a connection.
///
/// Thread safety: one task at a time, except ``interrupt()``, which any task may call.
public final class ReadLease: @unchecked Sendable {
    public let connection: Connection
    private let threads: BlockingThreadPool
    private let pool: ConnectionPool
    private let statements: StatementCache
    private let gate: QueryGate
    private var isReleased = false

    init(
        connection: Connection, threads: BlockingThreadPool, pool: ConnectionPool, statements: StatementCache,
        gate: QueryGate
    ) {
        self.connection = connection
        self.threads = threads
        self.pool = pool
        self.statements = statements
        self.gate = gate
    }

    /// A prepared statement for `sql` on the leased connection, kept for the next query of the
    /// same shape. Call it inside ``run(timeout:_:)``. Only for SQL the server builds: user SQL
    /// varies too much to be worth keeping.
    public func cachedStatement(_ sql: String) throws -> PreparedStatement {
        try statements.statement(sql, on: connection)
    }

    deinit { release() }

    /// Runs `body` with the connection on a reader thread; see `Connection.run(on:timeout:_:)`.
    public func run<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let gate = self.gate
        return try await connection.run(on: threads, timeout: timeout) { connection in
            try gate.whileQuerying { try body(connection) }
        }
    }

    /// Asks the running statement to stop (it then throws an interrupted error).
    public func interrupt() {
        connection.interrupt()
    }

    /// Gives the connection back. Release any result read through it first.
    public func release() {
        guard !isReleased else { return }
        isReleased = true
        pool.release(connection)
    }
}

extension AnalyticsStore {
    /// Takes a read connection until the lease is released, waiting for one when all are busy.
    public func leaseReader() async -> ReadLease {
        ReadLease(
            connection: await readers.acquire(), threads: readerThreads, pool: readers, statements: statements, gate: queryGate)
    }
}
