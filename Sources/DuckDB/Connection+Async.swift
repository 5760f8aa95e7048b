import Synchronization

extension Connection {
    /// Runs `body` with this connection on `pool`, off Swift's cooperative pool.
    ///
    /// Cancelling the calling task interrupts the running statement, and so does `timeout`
    /// elapsing; the call then throws a ``DuckDBError`` whose `isInterrupted` is true.
    public func run<T: Sendable>(
        on pool: BlockingThreadPool, timeout: Duration? = nil, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        guard let timeout else {
            let cancellation = Cancellation()
            return try await withTaskCancellationHandler {
                try await pool.run {
                    try cancellation.running { try body(self) }
                }
            } onCancel: {
                cancellation.cancel(self)
            }
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await self.run(on: pool, body) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            // Whichever ends first; when the timer does, cancelling the statement interrupts it.
            let first = try await group.next()
            group.cancelAll()
            if let first, let value = first { return value }
            do {
                while let next = try await group.next() {
                    if let value = next { return value }  // finished just as the timer fired
                }
            } catch var error as DuckDBError where error.isInterrupted {
                error.message = "timed out after \(timeout): \(error.message)"
                throw error
            }
            preconditionFailure("the statement task always yields a value or throws")
        }
    }

    /// Runs `sql` (one or more statements) on `pool`; see ``execute(_:)``.
    @discardableResult
    public func execute(_ sql: String, on pool: BlockingThreadPool, timeout: Duration? = nil) async throws -> Int {
        try await run(on: pool, timeout: timeout) { try $0.execute(sql) }
    }

    /// Streams the rows of `sql` chunk by chunk, each fetch running on `pool`.
    ///
    /// The query starts on the first iteration. Ending the iteration early releases the result;
    /// cancelling the iterating task interrupts the query.
    public func stream(_ sql: String, _ parameters: [DuckDBValue] = [], on pool: BlockingThreadPool) -> ChunkStream {
        ChunkStream(connection: self, sql: sql, parameters: parameters, pool: pool)
    }
}

/// An asynchronous sequence of a query's ``DataChunk``s; see `Connection.stream(_:_:on:)`.
public struct ChunkStream: AsyncSequence, Sendable {
    public typealias Element = DataChunk

    let connection: Connection
    let sql: String
    let parameters: [DuckDBValue]
    let pool: BlockingThreadPool

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: ChunkStream
        private var result: ResultSet?
        private var finished = false

        init(stream: ChunkStream) { self.stream = stream }

        public mutating func next() async throws -> DataChunk? {
            try await next(isolation: nil)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> DataChunk? {
            guard !finished else { return nil }
            let stream = self.stream
            let chunk: DataChunk?
            if let existing = result {
                chunk = try await stream.connection.run(on: stream.pool) { _ in try existing.nextChunk() }
            } else {
                let (opened, first) = try await stream.connection.run(on: stream.pool) { connection in
                    let opened = try connection.query(stream.sql, stream.parameters)
                    return (opened, try opened.nextChunk())
                }
                result = opened
                chunk = first
            }
            if chunk == nil {
                result = nil
                finished = true
            }
            return chunk
        }
    }
}

/// Turns task cancellation into `duckdb_interrupt`, closing the race DuckDB leaves open: an
/// interrupt that arrives before the statement starts is forgotten when it starts. So a job
/// cancelled before it runs never starts, and one cancelled while running is interrupted again
/// every 20 ms until it returns.
private final class Cancellation: Sendable {
    private struct State {
        var isCancelled = false
        var isRunning = false
    }

    private let state = Mutex(State())

    func running<T>(_ body: () throws -> T) throws -> T {
        let cancelled = state.withLock { state in
            state.isRunning = !state.isCancelled
            return state.isCancelled
        }
        if cancelled {
            throw DuckDBError(operation: .execute, kind: .interrupted, message: "cancelled before the statement started")
        }
        defer { state.withLock { $0.isRunning = false } }
        return try body()
    }

    func cancel(_ connection: Connection) {
        // Interrupts only under the lock `running` clears its flag under, so an interrupt never
        // reaches a later statement on this connection.
        let running = state.withLock { state in
            state.isCancelled = true
            if state.isRunning { connection.interrupt() }
            return state.isRunning
        }
        guard running else { return }
        Task.detached { [self] in
            while true {
                try? await Task.sleep(for: .milliseconds(20))
                let stillRunning = state.withLock { state in
                    if state.isRunning { connection.interrupt() }
                    return state.isRunning
                }
                if !stillRunning { return }
            }
        }
    }
}
