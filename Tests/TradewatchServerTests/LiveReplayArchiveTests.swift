import Foundation
import Logging
import ServiceLifecycle
import Testing
import TradewatchCore
import TradewatchLive
import TradewatchQuery
import TradewatchStorage
import TradewatchTestSupport
@testable import TradewatchServer

/// A client resuming with `from_commit` gets every row it missed, also rows the archiver has
/// since moved out of DuckDB into Parquet files; a snapshot still finds a key whose rows are all
/// archived, and so do the latest values once the background read of archived days has run.
@Suite struct LiveReplayArchiveTests {
    static let day: Int64 = 86_400_000_000_000
    static let dayStart: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

    static func trades(_ rows: [(ts: Int64, symbol: String, price: Double)]) -> ColumnarBatch {
        var batch = ColumnarBatch(table: .trades)
        var row = RowValues(table: .trades)
        for trade in rows {
            row.reset()
            row.timestamp = trade.ts
            row.texts[0] = trade.symbol
            row.texts[1] = "XNAS"
            row.doubles[0] = trade.price
            row.doubles[1] = 1
            batch.append(row)
        }
        return batch
    }

    /// Every replayed row's (commit, price), in the order delivered.
    static func replay(_ reader: LiveStoreReader, symbol: String, after: Int64, through: Int64) async throws -> [(Int64, Double)] {
        let subscription = LiveSubscription(id: "s1", table: .trades, filter: LiveFilter(["symbol": [symbol]]))
        let plan = try await reader.plan(subscription, after: after, through: through)
        var rows: [(Int64, Double)] = []
        try await reader.replay(plan) { page in
            let objects = try JSONSerialization.jsonObject(with: Data(("[" + String(decoding: page.rows, as: UTF8.self) + "]").utf8))
            for case let object as [String: Any] in objects as? [Any] ?? [] {
                #expect(object["rowid"] == nil && object["commit_seq"] == nil, "\(object)")
                rows.append((page.commit, object["price"] as? Double ?? .nan))
            }
        }
        return rows
    }

    /// Symbol A traded on an old day and today, B only on the old day; the old day is archived.
    static func archivedStores(_ folder: TemporaryDirectory) async throws -> Stores {
        let stores = try Stores(dataDirectory: folder.path("data"), analyticsConfiguration: .init(readConnections: 1))
        let archiver = Archiver(stores: stores, logger: Logger(label: "test"), crashPoint: nil)
        _ = try await archiver.reconcile()
        let store = stores.analytics
        try await store.commit([Self.trades([(Self.dayStart + 1, "A", 1), (Self.dayStart + 2, "B", 2)])], sequence: 1)
        try await store.commit([Self.trades([(Self.dayStart + 3, "A", 3)])], sequence: 2)
        let now = Self.dayStart + 10 * Self.day
        try await store.commit([Self.trades([(now - 5, "A", 4)])], sequence: 3)
        try await store.refreshRollups()
        try await stores.operational.setRetentionPolicy(try RetentionPolicy(table: .trades, hotSeconds: 7 * 86_400, archive: .forever))
        let report = await archiver.run(now: now)
        #expect(report.archived.count == 1 && report.errors.isEmpty, "\(report)")
        return stores
    }

    @Test func aSnapshotFindsAKeyWhoseRowsAreAllArchived() async throws {
        let folder = try TemporaryDirectory()
        let stores = try await Self.archivedStores(folder)
        defer { stores.analytics.close() }
        let reader = LiveStoreReader(store: stores.analytics)
        let subscription = LiveSubscription(id: "s1", table: .trades, filter: LiveFilter(["symbol": ["A", "B"]]))
        let text = "[" + String(decoding: try await reader.lastRows(subscription), as: UTF8.self) + "]"
        let objects = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
        #expect(objects.map { $0["symbol"] as? String } == ["A", "B"], "\(text)")
        #expect(objects.map { $0["price"] as? Double } == [4, 2], "A's newest row is live, B's only row archived")
        #expect(objects.allSatisfy { $0["rowid"] == nil && $0["commit_seq"] == nil }, "\(text)")

    }

    @Test func theLatestValuesOfArchivedDaysAreReadInTheBackgroundAfterStartup() async throws {
        let folder = try TemporaryDirectory()
        let stores = try await Self.archivedStores(folder)
        defer { stores.analytics.close() }
        let latest = LatestValues()
        func trades() -> [String] { latest.trades(symbols: ["A", "B"]).map { "\($0.symbol) \($0.trade.price)" } }
        try await latest.load(from: stores.analytics)
        #expect(trades() == ["A 4.0"], "startup reads DuckDB only")

        let service = LatestValuesArchiveService(latest: latest, store: stores.analytics, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        async let running: Void = group.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while trades().count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(trades() == ["A 4.0", "B 2.0"], "B's only trade is archived; A's newest is live")
        await group.triggerGracefulShutdown()
        try await running
    }

    @Test func withoutArchivedDaysTheBackgroundReadDoesNothing() async throws {
        let folder = try TemporaryDirectory()
        let stores = try Stores(dataDirectory: folder.path("data"), analyticsConfiguration: .init(readConnections: 1))
        defer { stores.analytics.close() }
        _ = try await Archiver(stores: stores, logger: Logger(label: "test"), crashPoint: nil).reconcile()
        try await stores.analytics.commit([Self.trades([(Self.dayStart + 1, "A", 1)])], sequence: 1)
        let latest = LatestValues()
        #expect(try await latest.loadArchived(from: stores.analytics) == false)
        #expect(latest.trades().isEmpty, "nothing was read")
    }

    @Test func aResumeFromBeforeAnArchivedDayReplaysItsRowsFromTheParquetFiles() async throws {
        let folder = try TemporaryDirectory()
        let stores = try await Self.archivedStores(folder)
        let store = stores.analytics
        let live = try await store.read { try $0.query("SELECT count(*) FROM trades").rows() }
        #expect(live == [[.int64(1)]], "the archived day's rows left DuckDB")

        let reader = LiveStoreReader(store: store)
        let all = try await Self.replay(reader, symbol: "A", after: 0, through: 3)
        #expect(all.map(\.0) == [1, 2, 3] && all.map(\.1) == [1, 3, 4])
        let missed = try await Self.replay(reader, symbol: "A", after: 1, through: 3)
        #expect(missed.map(\.0) == [2, 3] && missed.map(\.1) == [3, 4])
        store.close()
    }
}
