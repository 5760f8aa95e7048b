import DuckDB
import Foundation
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(2))) struct InterruptTests {
    /// A query that would run for minutes.
    static let longQuery = "SELECT sum(hash(i)) FROM range(100000000000) t(i)"

    @Test func interruptStopsALongQueryFromAnotherThread() throws {
        let connection = try Database(.memory, configuration: .init(threads: 2)).connect()
        let started = ContinuousClock.now
        let finished = Mutex(false)
        // Interrupt from another thread, repeatedly, in case the first call lands before the
        // statement starts (DuckDB forgets an interrupt when a statement begins).
        let timer = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            while !finished.withLock({ $0 }) {
                connection.interrupt()
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        timer.start()
        defer { finished.withLock { $0 = true } }
        let error = try #require(throws: DuckDBError.self) {
            let result = try connection.query(Self.longQuery)
            while try result.nextChunk() != nil {}
        }
        finished.withLock { $0 = true }
        #expect(error.isInterrupted)
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(try connection.scalar("SELECT 1") == .int32(1))
    }

    @Test func cancellingTheTaskInterruptsTheQuery() async throws {
        let pool = BlockingThreadPool(name: "cancel", threads: 1)
        defer { pool.shutdown() }
        let connection = try Database(.memory, configuration: .init(threads: 2)).connect()
        let task = Task { try await connection.execute(Self.longQuery, on: pool) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let outcome = await task.result
        let error = try #require(throws: DuckDBError.self) { try outcome.get() }
        #expect(error.isInterrupted)
        #expect(try await connection.execute("SELECT 1", on: pool) == 0)
    }

    @Test func cancellingBeforeTheJobStartsNeverRunsIt() async throws {
        let pool = BlockingThreadPool(name: "busy", threads: 1)
        defer { pool.shutdown() }
        let connection = try Database(.memory).connect()
        try connection.execute("CREATE TABLE t (v INTEGER)")
        // Occupy the only thread so the next job waits in the queue.
        async let blocker: Void = pool.run { Thread.sleep(forTimeInterval: 0.3) }
        let task = Task { try await connection.execute("INSERT INTO t VALUES (1)", on: pool) }
        task.cancel()
        let error = try await #require(throws: DuckDBError.self) { try await task.value }
        #expect(error.isInterrupted)
        try await blocker
        #expect(try connection.scalar("SELECT count(*) FROM t") == .int64(0))
    }

    @Test func timeoutInterruptsTheQuery() async throws {
        let pool = BlockingThreadPool(name: "timeout", threads: 1)
        defer { pool.shutdown() }
        let connection = try Database(.memory, configuration: .init(threads: 2)).connect()
        let started = ContinuousClock.now
        let error = await #expect(throws: DuckDBError.self) {
            try await connection.execute(Self.longQuery, on: pool, timeout: .milliseconds(300))
        }
        #expect(error?.isInterrupted == true)
        #expect(error?.message.hasPrefix("timed out after") == true)
        #expect(ContinuousClock.now - started < .seconds(30))
        // A fast statement with a timeout finishes normally.
        #expect(try await connection.run(on: pool, timeout: .seconds(30)) { try $0.scalar("SELECT 2") } == .int32(2))
    }
}
