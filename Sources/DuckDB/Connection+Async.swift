extension Connection {
    /// Runs `body` with this connection on `pool`, off Swift's cooperative pool.
    ///
    /// Cancelling the calling task interrupts the running statement, and so does `timeout`
    /// elapsing; the call then throws a ``DuckDBError`` whose `isInterrupted` is true.
    public func run<T: Sendable>(
        on pool: BlockingThreadPool, timeout: Duration? = nil, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        guard let timeout else {
            return try await withTaskCancellationHandler {
                try await pool.run { try body(self) }
            } onCancel: {
                self.interrupt()
            }
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await self.run(on: pool, body) }
            group.addTask {
                try await Task.sleep(for: timeout)
                self.interrupt()
                return nil
            }
            defer { group.cancelAll() }
            while let value = try await group.next() {
                if let value { return value }
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
