import DuckDB
import Foundation
import Testing
import TradewatchTestSupport
import TradewatchCore
import TradewatchStorage

@Suite struct AnalyticsStoreTests {
    static let tables = ["candles", "executions", "logs", "metrics", "performance", "quotes", "trades"]

    @Test func migratesAnEmptyFileAndRestartsWithoutReapplying() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("analytics.duckdb")
        do {
            let store = try AnalyticsStore(path: path, configuration: .init(threads: 1, readConnections: 2))
            defer { store.close() }
            #expect(try await store.schemaVersion() == AnalyticsStore.latestSchemaVersion)
            let tables = try await store.read { connection in
                try connection.query("SELECT table_name FROM duckdb_tables() ORDER BY table_name").rows()
            }
            #expect(Self.tables.allSatisfy { tables.contains([.string($0)]) })
            try await store.write { connection in
                try connection.execute("INSERT INTO trades (ts, symbol, price, qty) VALUES ('2026-01-01 00:00:00.000000001', 'AAPL', 187.5, 10)")
            }
            try await store.checkpoint()
        }
        let reopened = try AnalyticsStore(path: path, configuration: .init(threads: 1, readConnections: 1))
        defer { reopened.close() }
        #expect(try await reopened.schemaVersion() == AnalyticsStore.latestSchemaVersion)
        let migrations = try await reopened.read { try $0.query("SELECT version, name FROM tradewatch_migrations").rows() }
        #expect(migrations == [
            [.int32(1), .string("create tables")], [.int32(2), .string("commit sequence")],
            [.int32(3), .string("trades rollup")],
        ])
        let trade = try await reopened.read { try $0.query("SELECT epoch_ns(ts), symbol, price FROM trades").rows() }
        #expect(trade == [[.int64(1_767_225_600_000_000_001), .string("AAPL"), .double(187.5)]])
    }

    @Test func schemaNewerThanThisBuildIsRefusedAndTheFileKept() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("analytics.duckdb")
        do {
            let store = try AnalyticsStore(path: path)
            try await store.write { try $0.execute("INSERT INTO tradewatch_migrations VALUES (99, 'from the future', now())") }
            try await store.checkpoint()
            store.close()
        }
        let before = contents(path)
        let error = try #require(throws: StoreError.self) { try AnalyticsStore(path: path) }
        #expect(error.message.contains(path))
        #expect(error.message.contains("schema version 99"))
        #expect(contents(path) == before)
    }

    @Test func candlesUpsertByTheirKey() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("c.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        let start: Int64 = 1_767_225_600_000_000_000
        func candle(_ offset: Int64, _ interval: String, close: Double) -> Candle {
            Candle(timestampNanoseconds: start + offset, symbol: "BTC-USD", interval: interval,
                   open: 100, high: 110, low: 90, close: close, volume: 5)
        }
        try await store.upsertCandles([candle(0, "1m", close: 101), candle(60_000_000_000, "1m", close: 102), candle(0, "1h", close: 103)])
        try await store.upsertCandles([candle(0, "1m", close: 99.5)])  // a correction replaces the bar

        let minute = try await store.candles(symbol: "BTC-USD", interval: "1m")
        #expect(minute.map(\.close) == [99.5, 102])
        #expect(minute.first?.timestampNanoseconds == start)
        #expect(try await store.candles(symbol: "BTC-USD", interval: "1h").map(\.close) == [103])
        let count = try await store.read { try $0.query("SELECT count(*) FROM candles").rows() }
        #expect(count == [[.int64(3)]])
    }

    @Test func readersSeeWholeBatchesWhileTheWriterAppends() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("rw.duckdb"), configuration: .init(readConnections: 2))
        defer { store.close() }
        let batches = 30
        let batchSize = 2_000
        async let writes: Void = {
            for batch in 0..<batches {
                try await store.write { connection in
                    let appender = try connection.appender(table: "metrics")
                    for row in 0..<batchSize {
                        try appender.append(TimestampNanos(nanosecondsSinceEpoch: Int64(batch * batchSize + row)))
                        try appender.append("order.latency_us")
                        try appender.append("AAPL")
                        try appender.append(Double(row))
                        try appender.appendNull()
                        try appender.append(Int64(batch + 1))  // commit_seq
                        try appender.endRow()
                    }
                    try appender.close()
                }
            }
        }()
        var counts: [Int64] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while counts.last != Int64(batches * batchSize), ContinuousClock.now < deadline {
            let rows = try await store.read { try $0.query("SELECT count(*) FROM metrics").rows() }
            guard case .int64(let count) = rows[0][0] else { Issue.record("count is not an integer"); break }
            #expect(count % Int64(batchSize) == 0, "a reader saw part of a batch")
            counts.append(count)
        }
        try await writes
        #expect(counts == counts.sorted())
        #expect(counts.last == Int64(batches * batchSize))
    }

    @Test func moreConcurrentReadsThanConnectionsWaitTheirTurn() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("p.duckdb"), configuration: .init(readConnections: 2))
        defer { store.close() }
        let results = try await withThrowingTaskGroup(of: DuckDBValue.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await store.read { try $0.query("SELECT sum(i) + ? FROM range(200000) t(i)", [.int64(Int64(index))]).rows()[0][0] }
                }
            }
            return try await group.reduce(into: [DuckDBValue]()) { $0.append($1) }
        }
        #expect(Set(results) == Set((0..<12).map { DuckDBValue.double(19_999_900_000 + Double($0)) }))
    }

    @Test func readTimeoutInterruptsALongQuery() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("t.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        let error = await #expect(throws: DuckDBError.self) {
            try await store.read(timeout: .milliseconds(200)) { connection in
                try connection.query("SELECT sum(hash(i)) FROM range(100000000000) t(i)").rows()
            }
        }
        #expect(error?.isInterrupted == true)
        // The connection goes back to the pool and serves the next read.
        #expect(try await store.read { try $0.query("SELECT 1").rows() } == [[.int32(1)]])
    }

    @Test func fileThatIsNotADuckDBDatabaseIsRefusedUnchanged() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("analytics.duckdb")
        let junk = Data(repeating: 0x42, count: 10_000)
        _ = FileManager.default.createFile(atPath: path, contents: junk)
        let error = try #require(throws: StoreError.self) { try AnalyticsStore(path: path) }
        #expect(error.message.hasPrefix("cannot open analytics database \(path)"))
        #expect(contents(path) == junk)
    }

    @Test func truncatedDuckDBFileIsRefusedUnchanged() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("analytics.duckdb")
        do {
            let store = try AnalyticsStore(path: path)
            try await store.write { try $0.execute("INSERT INTO logs (ts, level, message) SELECT now(), 'info', 'line ' || i FROM range(50000) t(i)") }
            try await store.checkpoint()
            store.close()
        }
        let whole = try #require(contents(path))
        let truncated = whole.prefix(whole.count / 3)
        _ = FileManager.default.createFile(atPath: path, contents: truncated)
        try? FileManager.default.removeItem(atPath: path + ".wal")
        let error = try #require(throws: StoreError.self) { try AnalyticsStore(path: path).close() }
        #expect(error.message.contains(path))
        #expect(error.message.contains("truncated") || error.message.contains("Could not read enough bytes"))
        #expect(contents(path) == truncated)
    }
}
