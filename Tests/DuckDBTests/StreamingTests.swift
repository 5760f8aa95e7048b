import DuckDB
import Foundation
import Testing
import TradewatchTestSupport

@Suite struct StreamingTests {
    /// 10 million rows with a 100-byte string each (over 1 GB if materialised) are read chunk by
    /// chunk while the process's memory stays flat.
    @Test func tenMillionRowScanStreamsWithFlatMemory() async throws {
        try await MemoryIntensive.exclusive { try scanTenMillionRows() }
    }

    private func scanTenMillionRows() throws {
        let database = try Database(.memory, configuration: .init(threads: 2, memoryLimit: "512MB"))
        let connection = try database.connect()
        let result = try connection.query("""
            SELECT i, i * 0.5 AS half, repeat('x', 100) || i::VARCHAR AS label FROM range(10000000) t(i)
            """)
        var rows = 0
        var sum: Int64 = 0
        var labelBytes = 0
        var baseline = 0
        var peak = 0
        var chunks = 0
        while let chunk = try result.nextChunk() {
            let ids = try chunk.column(0, as: Int64.self)
            let halves = try chunk.column(1, as: Double.self)
            let labels = try chunk.column(2, as: Data.self)
            for row in 0..<chunk.count {
                sum &+= ids[row]!
                if row == 0 { #expect(halves[row] == Double(ids[row]!) * 0.5) }
            }
            labelBytes += labels[0]!.count
            rows += chunk.count
            chunks += 1
            if chunks == 10 { baseline = residentMemoryBytes() }
            if chunks % 256 == 0 { peak = max(peak, residentMemoryBytes()) }
        }
        #expect(rows == 10_000_000)
        #expect(sum == 49_999_995_000_000)
        #expect(labelBytes > 100 * chunks)
        // Materialising the result would take over 1.1 GB. The bound leaves room for what the
        // suites running in parallel in this process allocate meanwhile (up to ~300 MB seen).
        let growth = peak - baseline
        #expect(growth < 512 * 1024 * 1024, "memory grew by \(growth / 1_048_576) MiB while streaming")
    }

    @Test func asyncChunkStreamYieldsEveryRowInOrderOffTheCooperativePool() async throws {
        let pool = BlockingThreadPool(name: "stream-test", threads: 2)
        defer { pool.shutdown() }
        let connection = try Database(.memory).connect()
        var expected: Int64 = 0
        var threadNames = Set<String>()
        for try await chunk in connection.stream("SELECT i FROM range(?) t(i) ORDER BY i", [.int64(100_000)], on: pool) {
            let column = try chunk.column(0, as: Int64.self)
            for row in 0..<chunk.count {
                #expect(column[row] == expected)
                expected += 1
            }
            threadNames.insert(try await pool.run { BlockingThreadPool.currentPoolName ?? "" })
        }
        #expect(expected == 100_000)
        #expect(threadNames == ["stream-test"])
        #expect(BlockingThreadPool.currentPoolName == nil)
    }

    @Test func stoppingEarlyReleasesTheConnection() async throws {
        let pool = BlockingThreadPool(name: "early-stop", threads: 1)
        defer { pool.shutdown() }
        let connection = try Database(.memory).connect()
        for try await chunk in connection.stream("SELECT * FROM range(1000000)", on: pool) {
            #expect(chunk.count > 0)
            break
        }
        // The abandoned result no longer holds the connection.
        #expect(try await connection.run(on: pool) { try $0.scalar("SELECT 40 + 2") } == .int32(42))
    }

    /// Later chunks are fetched by jobs that hold the result: the pool must let go of a job as
    /// soon as it ran, or the abandoned result keeps the connection busy (and is destroyed later
    /// on some pool thread, possibly while the connection runs another statement).
    @Test func stoppingAfterSeveralChunksReleasesTheConnection() async throws {
        let pool = BlockingThreadPool(name: "early-stop-2", threads: 2)
        defer { pool.shutdown() }
        let connection = try Database(.memory).connect()
        var seen = 0
        for try await _ in connection.stream("SELECT * FROM range(1000000)", on: pool) {
            seen += 1
            if seen == 3 { break }
        }
        #expect(try await connection.run(on: pool) { try $0.scalar("SELECT 40 + 2") } == .int32(42))
    }
}
