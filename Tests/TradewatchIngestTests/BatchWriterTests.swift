import DuckDB
import Foundation
import MetricsTestKit
import ServiceLifecycle
import Synchronization
import Testing
import TradewatchTestSupport
import TradewatchCore
import TradewatchIngest
import TradewatchStorage

@Suite(.timeLimit(.minutes(2))) struct BatchWriterTests {
    static func trades(_ count: Int, symbol: String = "AAPL", start: Int64 = 0) -> ColumnarBatch {
        var batch = ColumnarBatch(table: .trades)
        var row = RowValues(table: .trades)
        for index in 0..<count {
            row.reset()
            row.timestamp = start + Int64(index)
            row.texts[0] = symbol
            row.doubles[0] = 100 + Double(index)
            row.doubles[1] = 1
            batch.append(row)
        }
        return batch
    }

    /// Runs `writer` as a service for the duration of `body`, then shuts it down gracefully.
    static func running<T: Sendable>(_ writer: BatchWriter, _ body: @Sendable () async throws -> T) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [writer], logger: testLogger))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            // The writer is shut down however the body ends, so that a failing test fails
            // instead of waiting for a writer that never stops.
            let value: T
            do {
                value = try await body()
            } catch {
                await group.triggerGracefulShutdown()
                for try await _ in tasks {}
                throw error
            }
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return value
        }
    }

    @Test func concurrentRequestsShareCommitsAndEveryRowIsStored() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("a.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        let committed = Mutex<[(Int64, Int)]>([])
        let writer = BatchWriter(
            store: store, lastCommitted: try await store.lastCommitSequence(),
            configuration: .init(commitDelay: .milliseconds(20)), logger: testLogger
        ) { sequence, batches in
            committed.withLock { $0.append((sequence, batches.reduce(0) { $0 + $1.rowCount })) }
        }
        let sequences = try await Self.running(writer) {
            try await withThrowingTaskGroup(of: Int64.self) { group in
                for request in 0..<40 {
                    group.addTask { try await writer.submit([Self.trades(250, symbol: "S\(request)")]) }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
        }
        #expect(sequences.count == 40)
        #expect(Set(sequences).count < 40, "no two requests shared a commit")
        let log = committed.withLock { $0 }
        #expect(log.map(\.0) == Array(1...Int64(log.count)), "commit sequence has gaps or is out of order")
        #expect(log.reduce(0) { $0 + $1.1 } == 40 * 250)
        let counts = try await store.read { try $0.query("SELECT count(*), count(DISTINCT symbol), max(commit_seq) FROM trades").rows() }
        #expect(counts == [[.int64(10_000), .int64(40), .int64(Int64(log.count))]])
        #expect(try await store.lastCommitSequence() == Int64(log.count))
    }

    @Test func fullQueueRefusesInsteadOfDropping() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("q.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        // Not running: nothing drains, so the queue fills.
        let writer = BatchWriter(
            store: store, lastCommitted: 0, configuration: .init(maxQueuedRows: 1_000), logger: testLogger)
        let first = Task { try await writer.submit([Self.trades(800)]) }
        while writer.queuedRows == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: IngestError.queueFull(retryAfterSeconds: 1)) {
            try await writer.submit([Self.trades(300)])
        }
        // Starting the writer commits the accepted request.
        let sequence = try await Self.running(writer) { try await first.value }
        #expect(sequence == 1)
        let count = try await store.read { try $0.query("SELECT count(*) FROM trades").rows() }
        #expect(count == [[.int64(800)]])
    }

    @Test func shutdownCommitsEverythingAcceptedThenRefuses() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("s.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        let writer = BatchWriter(store: store, lastCommitted: 0, logger: testLogger)
        let accepted = (0..<10).map { index in Task { try await writer.submit([Self.trades(100, start: Int64(index) * 1000)]) } }
        while writer.queuedRows < 1000 { try await Task.sleep(for: .milliseconds(5)) }
        try await Self.running(writer) {}
        for task in accepted { _ = try await task.value }
        await #expect(throws: IngestError.shuttingDown) { try await writer.submit([Self.trades(1)]) }
        let count = try await store.read { try $0.query("SELECT count(*) FROM trades").rows() }
        #expect(count == [[.int64(1000)]])
    }

    @Test func waitingForVisibilityEndsAtTheCommitOrTheTimeout() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("v.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        let writer = BatchWriter(store: store, lastCommitted: 0, logger: testLogger)
        #expect(await writer.waitUntilVisible(1, timeout: .milliseconds(50)) == false)
        // A timeout that ends at once must never leave a waiter behind (that would hang).
        for _ in 0..<200 { #expect(await writer.waitUntilVisible(1, timeout: .zero) == false) }
        try await Self.running(writer) {
            async let visible = writer.waitUntilVisible(1, timeout: .seconds(10))
            let sequence = try await writer.submit([Self.trades(10)])
            #expect(sequence == 1)
            #expect(await visible)
            #expect(await writer.waitUntilVisible(1, timeout: .zero))
        }
    }

    @Test func sequenceContinuesAcrossRestarts() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("r.duckdb")
        do {
            let store = try AnalyticsStore(path: path, configuration: .init(readConnections: 1))
            let writer = BatchWriter(store: store, lastCommitted: try await store.lastCommitSequence(), logger: testLogger)
            try await Self.running(writer) {
                _ = try await writer.submit([Self.trades(5)])
                _ = try await writer.submit([Self.trades(5)])
            }
            store.close()
        }
        let store = try AnalyticsStore(path: path, configuration: .init(readConnections: 1))
        defer { store.close() }
        let last = try await store.lastCommitSequence()
        #expect(last == 2)
        let writer = BatchWriter(store: store, lastCommitted: last, logger: testLogger)
        let next = try await Self.running(writer) { try await writer.submit([Self.trades(1)]) }
        #expect(next == 3)
    }

    /// A store whose DuckDB memory is full: a 32 MB limit, no spilling to temporary files, and a
    /// temporary table on the upkeep connection grown until DuckDB refuses more. `DROP TABLE hog`
    /// (on the upkeep connection) gives the memory back.
    static func storeWithoutMemory(in folder: TemporaryDirectory) async throws -> AnalyticsStore {
        let store = try AnalyticsStore(
            path: folder.path("oom.duckdb"), configuration: .init(memoryLimit: "32MB", readConnections: 1))
        try await store.upkeep { connection in
            try connection.execute("SET max_temp_directory_size = '0KiB'")
            try connection.execute("CREATE TEMP TABLE hog (i BIGINT, s VARCHAR)")
            for _ in 0..<200 {
                do {
                    try connection.execute("INSERT INTO hog SELECT i, 'x' || i FROM range(100000) r(i)")
                } catch let error as DuckDBError where error.isOutOfMemory {
                    return
                }
            }
            Issue.record("DuckDB never ran out of memory")
        }
        return store
    }

    @Test func aCommitRefusedForLackOfMemoryIsTriedAgainAndStoredOnceMemoryIsFree() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithoutMemory(in: folder)
        defer { store.close() }
        let capture = LogCapture()
        let metrics = TestMetrics()
        let writer = BatchWriter(
            store: store, lastCommitted: 0,
            configuration: .init(memoryRetryDelays: Array(repeating: .milliseconds(100), count: 200)),
            logger: capture.logger, metricsFactory: metrics)
        let sequence = try await Self.running(writer) {
            let request = Task { try await writer.submit([Self.trades(20_000)]) }
            // Bounded wait (the suite may run on a busy box) for the first refusal.
            let deadline = ContinuousClock.now + .seconds(20)
            while !capture.entries.contains(where: { $0.message.contains("lack of memory") }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let retry = try #require(capture.entries.first { $0.message.contains("lack of memory") })
            #expect(retry.level == .warning)
            #expect(retry.metadata["sequence"] == "1")
            try await store.upkeep { try $0.execute("DROP TABLE hog") }
            return try await request.value
        }
        #expect(sequence == 1, "the retried commit keeps its sequence number")
        let rows = try await store.read { try $0.query("SELECT count(*), max(commit_seq) FROM trades").rows() }
        #expect(rows == [[.int64(20_000), .int64(1)]])
        #expect(try metrics.expectCounter("tradewatch.ingest.commit.memory_retries.total").totalValue >= 1)
        #expect(try metrics.expectCounter("tradewatch.ingest.commit.failures.total").totalValue == 0)
        #expect(!capture.entries.contains { $0.level >= .error })
    }

    @Test func aCommitStillShortOfMemoryAfterItsRetriesIsRefusedAsRetryableAndStoresNothing() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithoutMemory(in: folder)
        defer { store.close() }
        let metrics = TestMetrics()
        let writer = BatchWriter(
            store: store, lastCommitted: 0,
            configuration: .init(memoryRetryDelays: [.milliseconds(10), .milliseconds(10)]),
            logger: testLogger, metricsFactory: metrics)
        try await Self.running(writer) {
            do {
                _ = try await writer.submit([Self.trades(20_000)])
                Issue.record("the commit succeeded without memory")
            } catch let error as IngestError {
                guard case .outOfMemory(let message, let seconds) = error else {
                    Issue.record("expected outOfMemory, got \(error)")
                    return
                }
                #expect(seconds == 1)
                #expect(message.contains("memory"), "\(message)")
                #expect(error.description.contains("--duckdb-memory-limit"))
                #expect(error.description.contains("nothing was stored"))
            }
            #expect(try metrics.expectCounter("tradewatch.ingest.commit.memory_retries.total").totalValue == 2)
            #expect(try metrics.expectCounter("tradewatch.ingest.refused.total", [("reason", "out_of_memory")]).totalValue == 1)
            let stored = try await store.read { try $0.query("SELECT count(*) FROM trades").rows() }
            #expect(stored == [[.int64(0)]], "a refused commit stored rows")
            // Memory back: the next request commits, and the refused one used up no sequence number.
            try await store.upkeep { try $0.execute("DROP TABLE hog") }
            #expect(try await writer.submit([Self.trades(10)]) == 1)
        }
    }

    @Test func commitsAndRefusalsAreMeasured() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("m.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close() }
        let metrics = TestMetrics()
        let writer = BatchWriter(
            store: store, lastCommitted: 0, configuration: .init(maxQueuedRows: 1_000), logger: testLogger,
            metricsFactory: metrics)
        let queued = Task { try await writer.submit([Self.trades(600)]) }
        while writer.queuedRows == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: IngestError.self) { try await writer.submit([Self.trades(600)]) }
        #expect(try metrics.expectCounter("tradewatch.ingest.refused.total", [("reason", "queue_full")]).totalValue == 1)
        #expect(try metrics.expectGauge("tradewatch.ingest.queue.rows").lastValue == 600)

        _ = try await Self.running(writer) { try await queued.value }
        #expect(try metrics.expectCounter("tradewatch.ingest.rows.total", [("table", "trades")]).totalValue == 600)
        #expect(try metrics.expectCounter("tradewatch.ingest.rows.total", [("table", "metrics")]).totalValue == 0)
        #expect(try metrics.expectTimer("tradewatch.ingest.commit.duration.seconds").values.count == 1)
        #expect(try metrics.expectRecorder("tradewatch.ingest.commit.rows").lastValue == 600)
        #expect(try metrics.expectGauge("tradewatch.ingest.queue.rows").lastValue == 0)
    }
}
