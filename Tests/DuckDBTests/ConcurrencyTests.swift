import DuckDB
import Foundation
import Testing
import TradewatchTestSupport

@Suite struct ConcurrencyTests {
    /// Readers on their own connections see only whole committed batches while a writer appends.
    @Test func readersSeeConsistentSnapshotsWhileOneConnectionAppends() async throws {
        let folder = try TemporaryDirectory()
        let database = try Database(path: folder.path("concurrent.duckdb"))
        let pool = BlockingThreadPool(name: "concurrency", threads: 3)
        defer { pool.shutdown() }
        let writer = try database.connect()
        try writer.execute("CREATE TABLE ticks (seq BIGINT, price DOUBLE)")
        let batches = 40
        let batchSize = 5_000

        async let written: Int = writer.run(on: pool) { connection in
            let appender = try connection.appender(table: "ticks")
            for batch in 0..<batches {
                for row in 0..<batchSize {
                    let seq = Int64(batch * batchSize + row)
                    try appender.append(seq)
                    try appender.append(Double(seq) * 0.25)
                    try appender.endRow()
                }
                try appender.flush()
            }
            try appender.close()
            return batches * batchSize
        }

        let observations = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for _ in 0..<2 {
                let reader = try database.connect()
                group.addTask {
                    try await reader.run(on: pool) { connection in
                        var counts: [Int64] = []
                        repeat {
                            let row = try connection.query("SELECT count(*), coalesce(sum(seq), 0) FROM ticks").rows()[0]
                            guard case .int64(let count) = row[0] else { throw CancellationError() }
                            let sum: Double = switch row[1] {
                            case .double(let value): value
                            case .int32(let value): Double(value)
                            default: -1
                            }
                            // A snapshot holds whole batches, each row exactly once.
                            #expect(count % Int64(batchSize) == 0)
                            #expect(sum == Double(count) * Double(count - 1) / 2 || count == 0)
                            counts.append(count)
                        } while counts.last! < Int64(batches * batchSize) && counts.count < 100_000
                        return counts
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await written == batches * batchSize)
        for counts in observations {
            #expect(counts == counts.sorted(), "a reader saw the row count go backwards")
            #expect(counts.last == Int64(batches * batchSize))
        }
    }

    @Test func manyConnectionsQueryOneDatabaseInParallel() async throws {
        let database = try Database(.memory)
        let setup = try database.connect()
        try setup.execute("CREATE TABLE t AS SELECT i FROM range(100000) t(i)")
        let pool = BlockingThreadPool(name: "parallel", threads: 4)
        defer { pool.shutdown() }
        let sums = try await withThrowingTaskGroup(of: DuckDBValue.self) { group in
            for offset in 0..<8 {
                let connection = try database.connect()
                group.addTask {
                    try await connection.run(on: pool) { try $0.scalar("SELECT sum(i) + ? FROM t", [.int64(Int64(offset))]) }
                }
            }
            return try await group.reduce(into: [DuckDBValue]()) { $0.append($1) }
        }
        #expect(Set(sums) == Set((0..<8).map { DuckDBValue.double(4_999_950_000 + Double($0)) }))
    }

    @Test func threadPoolRunsJobsOnItsOwnThreadsAndRefusesWorkAfterShutdown() async throws {
        let pool = BlockingThreadPool(name: "pool-test", threads: 2)
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await pool.run { BlockingThreadPool.currentPoolName ?? "?" } } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(names == ["pool-test"])
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await pool.run { throw Failure() } }
        pool.shutdown()
        await #expect(throws: CancellationError.self) { try await pool.run { 1 } }
    }
}
