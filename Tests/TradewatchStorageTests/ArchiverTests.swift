import DuckDB
import Logging
import Testing
import TradewatchCore
import TradewatchStorage
import TradewatchTestSupport

/// The archiver on a store in this process: what only a store-level test can set up.
@Suite(.timeLimit(.minutes(1))) struct ArchiverTests {
    static let day: Int64 = 86_400_000_000_000
    static let dayStart: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    static let minute: Int64 = 60_000_000_000

    /// Writes a candle (insert or replace, as ingestion does) in commit `sequence`.
    static func candle(_ stores: Stores, at ts: Int64, close: Double, sequence: Int64) async throws {
        try await stores.analytics.write { connection in
            try connection.transaction {
                try connection.execute("""
                    INSERT INTO candles (ts, symbol, "interval", open, high, low, close, volume, commit_seq)
                    VALUES (make_timestamp_ns(\(ts)), 'IBM', '1m', 1, 10, 0.5, \(close), 100, \(sequence))
                    ON CONFLICT (symbol, "interval", ts) DO UPDATE SET close = excluded.close, commit_seq = excluded.commit_seq;
                    INSERT INTO tradewatch_commits VALUES (\(sequence), now(), 1);
                    """)
            }
        }
    }

    static func closes(_ stores: Stores, _ relation: String) async throws -> [DuckDBValue] {
        try await stores.analytics.read { connection in
            try connection.query("SELECT close FROM \(relation) ORDER BY ts").rows().map { $0[0] }
        }
    }

    @Test func aCandleRewrittenAfterItsDayWasArchivedIsReadOnceWithItsLatestValue() async throws {
        let folder = try TemporaryDirectory()
        let stores = try Stores(dataDirectory: folder.path("data"), analyticsConfiguration: .init(readConnections: 1))
        let archiver = Archiver(stores: stores, logger: Logger(label: "test"), crashPoint: nil)
        _ = try await archiver.reconcile()
        try await Self.candle(stores, at: Self.dayStart + Self.minute, close: 1.5, sequence: 1)
        try await Self.candle(stores, at: Self.dayStart + 2 * Self.minute, close: 2.5, sequence: 2)
        try await stores.operational.setRetentionPolicy(try RetentionPolicy(table: .candles, hotSeconds: 7 * 86_400, archive: .forever))
        let now = Self.dayStart + 10 * Self.day

        let first = await archiver.run(now: now)
        #expect(first.archived.map(\.path) == ["archive/candles/date=2026-01-01/part-0.parquet"] && first.errors.isEmpty, "\(first)")
        #expect(try await Self.closes(stores, "candles").isEmpty)
        #expect(try await Self.closes(stores, "candles_all") == [.double(1.5), .double(2.5)])
        #expect(archiver.catalog.reaches([.candles], over: Self.dayStart..<(Self.dayStart + Self.day)))
        #expect(!archiver.catalog.reaches([.candles, .trades], over: now - Self.day..<now))

        // Written again (a corrected candle): DuckDB's copy wins over the archived one...
        try await Self.candle(stores, at: Self.dayStart + Self.minute, close: 9, sequence: 3)
        #expect(try await Self.closes(stores, "candles_all") == [.double(9), .double(2.5)])
        // ...and, archived in turn as the day's next part, wins over the older part.
        let second = await archiver.run(now: now)
        #expect(second.archived.map(\.path) == ["archive/candles/date=2026-01-01/part-1.parquet"], "\(second)")
        #expect(try await Self.closes(stores, "candles_all") == [.double(9), .double(2.5)])
        #expect(try await stores.operational.archivePartitions().map(\.state) == [.complete, .complete])
        await stores.close(logger: Logger(label: "test"))
    }
}
