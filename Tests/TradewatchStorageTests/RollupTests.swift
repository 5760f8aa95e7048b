import DuckDB
import Logging
import ServiceLifecycle
import Testing
import TradewatchCore
import TradewatchStorage
import TradewatchTestSupport

@Suite(.timeLimit(.minutes(1))) struct RollupTests {
    static let start: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    static let second: Int64 = 1_000_000_000
    static let minute: Int64 = 60 * second

    static func store(_ folder: TemporaryDirectory) throws -> AnalyticsStore {
        try AnalyticsStore(path: folder.path("rollup.duckdb"), configuration: .init(readConnections: 1))
    }

    /// trades_1m, ordered, with timestamps as epoch nanoseconds.
    static func rollup(_ store: AnalyticsStore) async throws -> [[DuckDBValue]] {
        try await store.read { connection in
            try connection.query("""
                SELECT symbol, venue, epoch_ns(bucket), open, epoch_ns(open_ts), high, low, close, epoch_ns(close_ts),
                    volume, notional, price_sum, trade_count
                FROM trades_1m ORDER BY symbol, venue, bucket
                """).rows()
        }
    }

    static func partial(
        _ symbol: String, _ venue: String, _ bucket: Int64, open: (Double, Int64), high: Double, low: Double,
        close: (Double, Int64), volume: Double, notional: Double, priceSum: Double, count: Int64
    ) -> [DuckDBValue] {
        [
            .string(symbol), .string(venue), .int64(bucket), .double(open.0), .int64(open.1), .double(high), .double(low),
            .double(close.0), .int64(close.1), .double(volume), .double(notional), .double(priceSum), .int64(count),
        ]
    }

    @Test func refreshFoldsCommittedTradesPerSymbolVenueAndMinute() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        let t = Self.start, s = Self.second
        try await store.commit([trades([
            (t + 10 * s, "BTC", "XNAS", 100, 1), (t + 50 * s, "BTC", "XNAS", 99, 3), (t + 30 * s, "BTC", "XNAS", 101, 4),
            (t + 20 * s, "BTC", nil, 102, 2), (t + 61 * s, "BTC", "XNAS", 110, 1),
        ])], sequence: 1)
        #expect(try await store.rollupWatermark() == -1)
        #expect(try await store.refreshRollups() == 5)
        #expect(try await store.rollupWatermark() == 1)
        #expect(try await Self.rollup(store) == [
            Self.partial("BTC", "", t, open: (102, t + 20 * s), high: 102, low: 102, close: (102, t + 20 * s),
                         volume: 2, notional: 204, priceSum: 102, count: 1),
            Self.partial("BTC", "XNAS", t, open: (100, t + 10 * s), high: 101, low: 99, close: (99, t + 50 * s),
                         volume: 8, notional: 801, priceSum: 300, count: 3),
            Self.partial("BTC", "XNAS", t + Self.minute, open: (110, t + 61 * s), high: 110, low: 110,
                         close: (110, t + 61 * s), volume: 1, notional: 110, priceSum: 110, count: 1),
        ])
        #expect(try await store.refreshRollups() == 0, "nothing new to fold")
    }

    @Test func lateTradesMergeIntoAnAlreadyFoldedMinute() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        let t = Self.start, s = Self.second
        try await store.commit([trades([(t + 10 * s, "BTC", "XNAS", 100, 1), (t + 50 * s, "BTC", "XNAS", 99, 3)])], sequence: 1)
        try await store.refreshRollups()
        // Earlier than the open, later than the close, a new high, and a trade at the open's
        // instant whose lower price wins the tie whatever order the folds ran in.
        try await store.commit([trades([
            (t + 5 * s, "BTC", "XNAS", 98, 2), (t + 55 * s, "BTC", "XNAS", 105, 1),
        ])], sequence: 2)
        #expect(try await store.refreshRollups() == 2)
        try await store.commit([trades([(t + 5 * s, "BTC", "XNAS", 97.5, 2)])], sequence: 3)
        #expect(try await store.refreshRollups() == 1)
        #expect(try await Self.rollup(store) == [
            Self.partial("BTC", "XNAS", t, open: (97.5, t + 5 * s), high: 105, low: 97.5, close: (105, t + 55 * s),
                         volume: 9, notional: 100 + 297 + 196 + 105 + 195, priceSum: 100 + 99 + 98 + 105 + 97.5, count: 5),
        ])
    }

    @Test func oneRefreshFoldsWholeCommitsUpToTheBound() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        for sequence in 1...3 {
            let ts = Self.start + Int64(sequence) * Self.minute
            try await store.commit([trades([(ts, "BTC", "XNAS", 100, 1), (ts + 1, "BTC", "XNAS", 100, 1)])], sequence: Int64(sequence))
        }
        // The third of three rows belongs to commit 2, so commit 2 is folded whole.
        #expect(try await store.refreshRollups(maxRows: 3) == 4)
        #expect(try await store.rollupWatermark() == 2)
        #expect(try await store.refreshRollups(maxRows: 3) == 2)
        #expect(try await store.rollupWatermark() == 3)
        let counts = try await store.read { try $0.query("SELECT sum(trade_count)::BIGINT, count(*) FROM trades_1m").rows() }
        #expect(counts == [[.int64(6), .int64(3)]])
    }

    @Test func serviceKeepsTheRollupCaughtUpAndStopsOnShutdown() async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.store(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        let logger = Logger(label: "rollup-test")
        let service = RollupService(store: store, interval: .milliseconds(10), maxRowsPerRefresh: 1, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for sequence in 1...3 {
                try await store.commit([trades([(Self.start + Int64(sequence), "BTC", "XNAS", 100, 1)])], sequence: Int64(sequence))
            }
            while try await store.rollupWatermark() < 3 { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let counts = try await store.read { try $0.query("SELECT sum(trade_count)::BIGINT FROM trades_1m").rows() }
        #expect(counts == [[.int64(3)]])
    }
}
