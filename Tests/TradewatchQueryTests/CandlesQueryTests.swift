import DuckDB
import Testing
import TradewatchCore
import TradewatchQuery
import TradewatchStorage
import TradewatchTestSupport

@Suite struct CandlesQueryTests {
    static let start: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    static let second: Int64 = 1_000_000_000
    static let minute: Int64 = 60 * second

    /// A store holding trades of BTC in minutes 0 and 1 on three venues (one missing), and one
    /// ETH trade that no BTC query may show. Minute 0: open 100 (0:10), high 102, low 99, close 99
    /// (0:50), volume 10, notional 1005, four trades with prices summing to 402.
    static func storeWithTrades(_ folder: TemporaryDirectory) async throws -> AnalyticsStore {
        let store = try AnalyticsStore(path: folder.path("candles.duckdb"), configuration: .init(readConnections: 1))
        try await store.commit([trades([
            (start + 10 * second, "BTC", "XNAS", 100, 1),
            (start + 20 * second, "BTC", "ARCA", 102, 2),
            (start + 50 * second, "BTC", "XNAS", 99, 3),
            (start + 30 * second, "BTC", nil, 101, 4),
            (start + minute + 5 * second, "BTC", "XNAS", 110, 1),
            (start + 15 * second, "ETH", "XNAS", 50, 10),
        ])], sequence: 1)
        return store
    }

    static func candles(_ store: AnalyticsStore, _ query: String, now: Int64 = start) async throws -> [[DuckDBValue]] {
        var parameters = QueryParameters(query: query)
        let plan = try CandlesQuery(parameters: &parameters, now: now).plans[0].plan
        return try await store.read { try $0.query(plan.sql, plan.parameters).rows() }
    }

    static func row(
        _ ts: Int64, _ open: Double, _ high: Double, _ low: Double, _ close: Double, _ volume: Double,
        vwap: Double?, count: Int64?, average: Double?, symbol: String = "BTC"
    ) -> [DuckDBValue] {
        [
            .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: ts)), .string(symbol), .double(open), .double(high),
            .double(low), .double(close), .double(volume), vwap.map(DuckDBValue.double) ?? .null,
            count.map(DuckDBValue.int64) ?? .null, average.map(DuckDBValue.double) ?? .null,
            .string(count == nil ? "stored" : "trades"),
        ]
    }

    static let minuteZero = row(start, 100, 102, 99, 99, 10, vwap: 100.5, count: 4, average: 100.5)
    static let minuteOne = row(start + minute, 110, 110, 110, 110, 1, vwap: 110, count: 1, average: 110)
    static let firstThreeMinutes = "symbol=BTC&interval=1m&start=\(start)&end=\(start + 3 * minute)"

    @Test func minuteCandlesAreExactBeforeAndAfterTheRollupCatchesUpWithLateTrades() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithTrades(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        #expect(try await Self.candles(store, Self.firstThreeMinutes) == [Self.minuteZero, Self.minuteOne])
        try await store.refreshRollups()
        #expect(try await Self.candles(store, Self.firstThreeMinutes) == [Self.minuteZero, Self.minuteOne])

        // Late trades into the folded minute: an earlier, lower open and a later close at zero qty.
        try await store.commit([trades([
            (Self.start + 5 * Self.second, "BTC", "ARCA", 96, 10), (Self.start + 59 * Self.second, "BTC", "XNAS", 100, 0),
        ])], sequence: 2)
        let updated = Self.row(Self.start, 96, 102, 96, 100, 20, vwap: 98.25, count: 6, average: 598.0 / 6)
        #expect(try await Self.candles(store, Self.firstThreeMinutes) == [updated, Self.minuteOne])
        #expect(try await store.refreshRollups() == 2)
        #expect(try await Self.candles(store, Self.firstThreeMinutes) == [updated, Self.minuteOne])
    }

    @Test func wideIntervalsCombineMinutesAndARaggedStartTakesWholeBuckets() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithTrades(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        try await store.refreshRollups()
        // Starting mid-bucket still yields the whole five minutes, stamped at the bucket start.
        let rows = try await Self.candles(store, "symbol=BTC&interval=5m&start=\(Self.start + 90 * Self.second)&end=\(Self.start + 4 * Self.minute)")
        #expect(rows == [Self.row(Self.start, 100, 110, 99, 110, 11, vwap: 1115.0 / 11, count: 5, average: 512.0 / 5)])
    }

    @Test func subMinuteIntervalsComeFromTheTrades() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithTrades(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        try await store.refreshRollups()
        let rows = try await Self.candles(store, "symbol=BTC&interval=15s&start=\(Self.start)&end=\(Self.start + 75 * Self.second)")
        let s = Self.second
        #expect(rows == [
            Self.row(Self.start, 100, 100, 100, 100, 1, vwap: 100, count: 1, average: 100),
            Self.row(Self.start + 15 * s, 102, 102, 102, 102, 2, vwap: 102, count: 1, average: 102),
            Self.row(Self.start + 30 * s, 101, 101, 101, 101, 4, vwap: 101, count: 1, average: 101),
            Self.row(Self.start + 45 * s, 99, 99, 99, 99, 3, vwap: 99, count: 1, average: 99),
            Self.row(Self.start + 60 * s, 110, 110, 110, 110, 1, vwap: 110, count: 1, average: 110),
        ])
    }

    @Test func storedCandlesFillBucketsWithoutTradesAndNeverOverrideTrades() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithTrades(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        func stored(_ offset: Int64, _ interval: String, close: Double) -> Candle {
            Candle(timestampNanoseconds: Self.start + offset, symbol: "BTC", interval: interval,
                   open: 1, high: 3, low: 0.5, close: close, volume: 7)
        }
        try await store.upsertCandles([
            stored(0, "1m", close: 2), stored(2 * Self.minute, "1m", close: 2.5), stored(2 * Self.minute, "5m", close: 9),
        ])
        let storedMinute = Self.row(Self.start + 2 * Self.minute, 1, 3, 0.5, 2.5, 7, vwap: nil, count: nil, average: nil)
        #expect(try await Self.candles(store, Self.firstThreeMinutes) == [Self.minuteZero, Self.minuteOne, storedMinute])
        try await store.refreshRollups()
        #expect(try await Self.candles(store, Self.firstThreeMinutes + "&limit=2") == [Self.minuteZero, Self.minuteOne])
    }

    @Test func venueFilterKeepsThatVenuesTradesOnly() async throws {
        let folder = try TemporaryDirectory()
        let store = try await Self.storeWithTrades(folder)
        defer { store.close(); withExtendedLifetime(folder) {} }  // the folder outlives the database file
        try await store.upsertCandles([
            Candle(timestampNanoseconds: Self.start + 2 * Self.minute, symbol: "BTC", interval: "1m",
                   open: 1, high: 1, low: 1, close: 1, volume: 1),
        ])
        let xnasMinuteZero = Self.row(Self.start, 100, 100, 99, 99, 4, vwap: 99.25, count: 2, average: 99.5)
        let query = Self.firstThreeMinutes + "&venue=XNAS"
        #expect(try await Self.candles(store, query) == [xnasMinuteZero, Self.minuteOne])
        try await store.refreshRollups()
        #expect(try await Self.candles(store, query) == [xnasMinuteZero, Self.minuteOne])
        #expect(try await Self.candles(store, Self.firstThreeMinutes + "&venue=BATS") == [])
    }

    @Test func defaultRangeIsTheLast500WholeBucketsBeforeNow() throws {
        var parameters = QueryParameters(query: "symbol=BTC&interval=1m")
        let query = try CandlesQuery(parameters: &parameters, now: Self.start + 30 * Self.second)
        #expect(query.range == (Self.start - 500 * Self.minute)..<(Self.start + Self.minute))
        #expect(query.plans[0].plan.window == query.range)
        #expect(query.plans[0].plan.tables == [.trades, .candles])
    }

    @Test(arguments: [
        ("interval=1m", "symbol", "parameter symbol is required"),
        ("symbol=BTC&interval=5x", "interval", "parameter interval must be a duration such as 1s, 250ms, 5m, 1h or 1d, not \"5x\""),
        ("symbol=BTC&interval=500ms", "interval", "parameter interval must be between 1s and 1d, not 500ms"),
        ("symbol=BTC&interval=2d", "interval", "parameter interval must be between 1s and 1d, not 2d"),
        ("symbol=BTC&interval=1s&start=0&end=100000000000001", "start",
         "start to end spans more than 100000 candles of interval 1s; narrow the range or widen the interval"),
        ("symbol=BTC&start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z", "start",
         "start (2026-01-02T00:00:00.000000000Z) must be before end (2026-01-01T00:00:00.000000000Z)"),
        ("symbol=BTC&limit=0", "limit", "parameter limit must be between 1 and 100000, not 0"),
    ])
    func badParametersAreRefusedNamingThem(query: String, parameter: String, message: String) throws {
        var parameters = QueryParameters(query: query)
        #expect(throws: QueryError(message, parameter: parameter)) {
            try CandlesQuery(parameters: &parameters, now: Self.start)
        }
    }

    @Test func exactly100000BucketsAreAllowed() throws {
        var parameters = QueryParameters(query: "symbol=BTC&interval=1s&start=0&end=100000000000000")
        let query = try CandlesQuery(parameters: &parameters, now: Self.start)
        #expect(query.range == 0..<100_000 * Self.second)
    }
}
