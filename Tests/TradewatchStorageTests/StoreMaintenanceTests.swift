import Logging
import ServiceLifecycle
import Testing
import TradewatchStorage
import TradewatchTestSupport

@Suite struct StoreMaintenanceTests {
    @Test func aCheckpointIsDueForALargeLogAtOnceAndForAnyLogAfterTheInterval() {
        let policy = StoreMaintenanceService.Policy(interval: .seconds(60), walBytes: 1 << 20)
        #expect(!policy.shouldCheckpoint(walBytes: 0, sinceLast: .seconds(3_600)), "an empty log is never checkpointed")
        #expect(policy.shouldCheckpoint(walBytes: 1 << 20, sinceLast: .zero))
        #expect(policy.shouldCheckpoint(walBytes: 50 << 20, sinceLast: .milliseconds(10)))
        #expect(!policy.shouldCheckpoint(walBytes: (1 << 20) - 1, sinceLast: .seconds(59)))
        #expect(policy.shouldCheckpoint(walBytes: 1, sinceLast: .seconds(60)))
        let byTimeOnly = StoreMaintenanceService.Policy(interval: .seconds(60), walBytes: 0)
        #expect(!byTimeOnly.shouldCheckpoint(walBytes: 500 << 20, sinceLast: .seconds(59)))
        #expect(byTimeOnly.shouldCheckpoint(walBytes: 500 << 20, sinceLast: .seconds(60)))
    }

    /// Writes rows until the write-ahead log holds at least `bytes`.
    private static func fillLog(_ stores: Stores, to bytes: Int) async throws {
        var batch = 0
        while stores.analytics.walBytes < bytes {
            let offset = batch * 20_000
            try await stores.analytics.write { connection in
                try connection.execute("""
                    INSERT INTO trades (ts, symbol, venue, price, qty, side, commit_seq)
                    SELECT make_timestamp_ns(1767225600000000000 + \(offset) + i), 'SYM' || (i % 200), 'XNAS',
                           100 + (i % 1000) / 100, 1 + i % 7, 'buy', 1
                    FROM range(20000) t(i)
                    """)
            }
            batch += 1
            #expect(batch < 200, "the log did not grow")
            if batch >= 200 { return }
        }
    }

    /// Runs the service (interval an hour, checks every 20 ms) around `body`, then shuts it down.
    private static func withService(
        _ stores: Stores, walBytes: Int, busyRetries: Int = 20,
        logger: Logger = Logger(label: "test"), _ body: () async throws -> Void
    ) async throws {
        let service = StoreMaintenanceService(
            stores: stores,
            policy: .init(
                interval: .seconds(3_600), walBytes: walBytes, checkEvery: .milliseconds(20), busyRetryDelay: .milliseconds(25),
                busyRetries: busyRetries),
            logger: logger)
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        async let running: Void = group.run()
        try await body()
        await group.triggerGracefulShutdown()
        try await running
    }

    /// Waits (at most 90 s: the full suite can starve this test's tasks for 20–30 s) until the
    /// write-ahead log is empty; whether it is.
    private static func checkpointed(_ stores: Stores) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(90)
        while stores.analytics.walBytes > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return stores.analytics.walBytes == 0
    }

    private static func stores(in folder: TemporaryDirectory) throws -> Stores {
        try Stores(dataDirectory: folder.path("data"), analyticsConfiguration: .init(readConnections: 1))
    }

    /// Stores with 64 KiB in the write-ahead log and the rollup's connection inside a write
    /// transaction, so that DuckDB refuses to checkpoint until it commits.
    private static func storesWithAWriteTransactionOpen(in folder: TemporaryDirectory) async throws -> Stores {
        let stores = try Self.stores(in: folder)
        try await Self.fillLog(stores, to: 64 << 10)
        try await stores.analytics.upkeep { connection in
            try connection.execute("BEGIN TRANSACTION")
            try connection.execute("UPDATE tradewatch_rollups SET watermark = watermark")
        }
        return stores
    }

    @Test func theServiceCheckpointsOnceTheLogPassesItsSizeWithoutWaitingForTheInterval() async throws {
        let folder = try TemporaryDirectory()
        let stores = try Self.stores(in: folder)
        try await Self.fillLog(stores, to: 256 << 10)
        let rows = try await stores.analytics.read { try $0.query("SELECT count(*) FROM trades").rows() }
        try await Self.withService(stores, walBytes: 256 << 10) {
            let done = try await Self.checkpointed(stores)
            #expect(done, "the log was not checkpointed")
            let after = try await stores.analytics.read { try $0.query("SELECT count(*) FROM trades").rows() }
            #expect(after == rows)
        }
    }

    @Test func aLogBelowItsSizeWaitsForTheInterval() async throws {
        let folder = try TemporaryDirectory()
        let stores = try Self.stores(in: folder)
        try await Self.fillLog(stores, to: 64 << 10)
        let before = stores.analytics.walBytes
        try await Self.withService(stores, walBytes: 1 << 30) {
            try await Task.sleep(for: .milliseconds(300))
            #expect(stores.analytics.walBytes == before, "checkpointed a small log before its interval")
        }
    }

    @Test func aCheckpointRefusedForAnOpenWriteTransactionIsRetriedQuietly() async throws {
        let folder = try TemporaryDirectory()
        let stores = try await Self.storesWithAWriteTransactionOpen(in: folder)
        let capture = LogCapture()
        try await Self.withService(stores, walBytes: 16 << 10, logger: capture.logger) {
            // Waits (bounded: in the full suite, with every suite running beside it, this test took
            // 22–32 s in CI where it takes half a second alone) for the service to have tried.
            let deadline = ContinuousClock.now + .seconds(90)
            while !capture.entries.contains(where: { $0.message.contains("postponed") }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(capture.entries.contains { $0.message.contains("postponed") }, "no attempt was made")
            #expect(stores.analytics.walBytes > 0, "checkpointed beside an open write transaction")
            try await stores.analytics.upkeep { try $0.execute("COMMIT") }
            let done = try await Self.checkpointed(stores)
            #expect(done, "not checkpointed once the transaction ended")
        }
        #expect(!capture.entries.contains { $0.level >= .error }, "\(capture.entries.filter { $0.level >= .error }.map(\.message))")
    }

    @Test func aCheckpointRefusedForAMomentIsRetriedWithoutWaitingForTheNextCheck() async throws {
        let folder = try TemporaryDirectory()
        let stores = try await Self.storesWithAWriteTransactionOpen(in: folder)
        let capture = LogCapture()
        // The first check's attempt is refused and retried every 25 ms (up to 100 s): without
        // the retries it would give up, log "postponed" and wait for the next check.
        try await Self.withService(stores, walBytes: 16 << 10, busyRetries: 4_000, logger: capture.logger) {
            try await Task.sleep(for: .milliseconds(200))
            #expect(stores.analytics.walBytes > 0, "checkpointed beside an open write transaction")
            try await stores.analytics.upkeep { try $0.execute("COMMIT") }
            let done = try await Self.checkpointed(stores)
            #expect(done, "not checkpointed once the transaction ended")
        }
        #expect(!capture.entries.contains { $0.message.contains("postponed") })
    }
}
