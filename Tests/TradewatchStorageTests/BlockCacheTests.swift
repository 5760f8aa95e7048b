import DuckDB
import Foundation
import Synchronization
import Testing
import TradewatchTestSupport
import TradewatchStorage

/// What a checkpoint leaves in memory: DuckDB keeps every block it wrote until the memory limit
/// forces them out; the store lets go of those beyond its block cache.
@Suite struct BlockCacheTests {
    /// Opens a store with `cache`, writes 2M trades (tens of MiB once compressed) and checkpoints.
    private static func checkpointedStore(
        in folder: TemporaryDirectory, cache: Int?, whileReading: Bool = false
    ) async throws -> AnalyticsStore {
        let store = try AnalyticsStore(
            path: folder.path("analytics.duckdb"),
            configuration: .init(threads: 1, readConnections: 1, blockCacheBytes: cache))
        try await store.write { connection in
            try connection.execute("""
                INSERT INTO trades (ts, symbol, venue, price, qty, side, commit_seq)
                SELECT make_timestamp_ns(1767225600000000000 + i * 1000), 'SYM' || (i % 200), 'V' || (i % 4),
                       100 + random() * 10, 1 + i % 97, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, 1
                FROM range(2000000) t(i)
                """)
        }
        guard whileReading else {
            try await store.checkpoint()
            return store
        }
        // A read holds its connection (blocked in its body) across the checkpoint.
        let reading = Mutex(false)
        let release = DispatchSemaphore(value: 0)
        async let held: Void = store.read { _ in
            reading.withLock { $0 = true }
            release.wait()
        }
        while !reading.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        try await store.checkpoint()
        release.signal()
        try await held
        return store
    }

    private static func heldBlocks(_ store: AnalyticsStore) async throws -> Int {
        let rows = try await store.read { connection in
            try connection.query(
                "SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory() WHERE tag = 'BASE_TABLE'"
            ).rows()
        }
        guard case .int64(let bytes) = rows.first?.first else { return -1 }
        return Int(bytes)
    }

    private static func memoryLimit(_ store: AnalyticsStore) async throws -> [[DuckDBValue]] {
        try await store.read { try $0.query("SELECT current_setting('memory_limit')").rows() }
    }

    @Test func aCheckpointLetsGoOfTheFileBlocksBeyondTheCacheAndKeepsTheLimit() async throws {
        let folder = try TemporaryDirectory()
        let untrimmed = try await Self.checkpointedStore(in: folder, cache: nil)
        let held = try await Self.heldBlocks(untrimmed)
        let limit = try await Self.memoryLimit(untrimmed)
        untrimmed.close()
        // Without a cache bound, DuckDB holds what it wrote: the comparison below means something.
        #expect(held > 8 << 20, "DuckDB held only \(held) bytes of blocks after the checkpoint")

        let other = try TemporaryDirectory()
        let store = try await Self.checkpointedStore(in: other, cache: 2 << 20)
        defer { store.close() }
        let kept = try await Self.heldBlocks(store)
        // One block (256 KiB) of slack: eviction goes block by block.
        #expect(kept <= (2 << 20) + (256 << 10), "\(kept) bytes of blocks held with a 2 MiB cache")
        #expect(try await Self.memoryLimit(store) == limit, "the memory limit was not set back")
        // The blocks let go are read from the file again.
        let rows = try await store.read { try $0.query("SELECT count(*), sum(qty)::BIGINT FROM trades").rows() }
        let qty: Int64 = (0..<2_000_000).reduce(0) { $0 + 1 + $1 % 97 }
        #expect(rows == [[.int64(2_000_000), .int64(qty)]])
        // And a query that needs much memory still gets it: the limit is the configured one.
        let big = try await store.read {
            try $0.query("SELECT count(DISTINCT price) > 1000000 FROM trades").rows()
        }
        #expect(big == [[.bool(true)]])
    }

    @Test func theTrimWaitsForAMomentWithoutQueries() async throws {
        // The trim lowers DuckDB's memory limit for a moment; a query allocating then would be
        // refused, so a checkpoint while a query runs leaves the blocks for the next one.
        let folder = try TemporaryDirectory()
        let store = try await Self.checkpointedStore(in: folder, cache: 2 << 20, whileReading: true)
        defer { store.close() }
        let held = try await Self.heldBlocks(store)
        #expect(held > 8 << 20, "trimmed to \(held) bytes while a query ran")
        try await store.checkpoint()
        let kept = try await Self.heldBlocks(store)
        #expect(kept <= (2 << 20) + (256 << 10), "\(kept) bytes of blocks held after a checkpoint without queries")
    }

    @Test func jemallocsFreedPagesCanBeGivenBack() {
        // DuckDB's Linux library brings its own jemalloc; without it the purge does nothing.
        #if os(Linux)
        #expect(Database.purgeFreedMemory())
        #endif
    }
}
