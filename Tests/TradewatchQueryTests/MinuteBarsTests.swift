import DuckDB
import Synchronization
import Testing
import TradewatchCore
import TradewatchQuery
import TradewatchStorage
import TradewatchTestSupport

/// A wall clock the test moves by hand.
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    func set(_ now: Int64) { value.withLock { $0 = now } }
    var read: @Sendable () -> Int64 { { self.value.withLock { $0 } } }
}

typealias SeededGenerator = SplitMix64

@Suite struct MinuteBarsTests {
    static let start: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    static let second: Int64 = 1_000_000_000
    static let minute: Int64 = 60 * second
    static let hour: Int64 = 60 * minute

    /// Random trades over three hours: two symbols, three venues (one unnamed), many trades
    /// sharing a timestamp, prices and quantities on a coarse grid so that every sum is exact.
    static func randomTrades(_ count: Int, generator: inout SeededGenerator) -> [(ts: Int64, symbol: String, venue: String?, price: Double, qty: Double)] {
        var rows: [(ts: Int64, symbol: String, venue: String?, price: Double, qty: Double)] = []
        var timestamp = start
        for _ in 0..<count {
            if Int.random(in: 0..<3, using: &generator) > 0 { timestamp = start + Int64.random(in: 0..<(3 * hour), using: &generator) }
            rows.append((
                timestamp, ["BTC", "ETH"].randomElement(using: &generator)!, ["X", "Y", nil].randomElement(using: &generator)!,
                Double(Int.random(in: 360...440, using: &generator)) / 4, Double(Int.random(in: 1...10, using: &generator)) / 2))
        }
        return rows
    }

    /// The rows the SQL path gives, as the memory path's candles.
    static func sqlCandles(_ store: AnalyticsStore, symbol: String, range: Range<Int64>, interval: String, limit: Int?) async throws -> [[DuckDBValue]] {
        var parameters = QueryParameters(query: "symbol=\(symbol)&interval=\(interval)&start=\(range.lowerBound)&end=\(range.upperBound)" + (limit.map { "&limit=\($0)" } ?? ""))
        let plan = try CandlesQuery(parameters: &parameters, now: start).plans[0].plan
        return try await store.read { try $0.query(plan.sql, plan.parameters).rows() }
    }

    static func rows(_ candles: [MinuteBar], symbol: String) -> [[DuckDBValue]] {
        candles.map { candle in
            [
                .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: candle.minute)), .string(symbol), .double(candle.open),
                .double(candle.high), .double(candle.low), .double(candle.close), .double(candle.volume),
                .double(candle.notional / candle.volume), .int64(candle.tradeCount),
                .double(candle.priceSum / Double(candle.tradeCount)), .string("trades"),
            ]
        }
    }

    /// Runs `body` with a store on a real DuckDB file in a temporary folder, closed afterwards.
    static func withStore(_ body: (AnalyticsStore) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("bars.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close(); withExtendedLifetime(folder) {} }
        try await body(store)
    }

    static func memoryCandles(_ bars: MinuteBars, symbol: String, range: Range<Int64>, width: Int64, limit: Int?) -> [MinuteBar]? {
        guard case .covered(let minutes) = bars.lookup(symbol: symbol, range: range, interval: "1m", appliedThrough: 0) else { return nil }
        return MinuteBarCandles.candles(from: minutes, width: width, limit: limit)
    }

    @Test func foldedBarsGiveTheSQLCandlesForRandomTradesLateTradesAndReloads() async throws {
        try await Self.withStore { store in
            let clock = ManualClock(Self.start + 4 * Self.hour)
            let bars = MinuteBars(wallClock: clock.read)
            try await bars.load(from: store)
            var generator = SeededGenerator(state: 42)
            for sequence in Int64(1)...4 {
                let batch = trades(Self.randomTrades(400, generator: &generator))
                try await store.commit([batch], sequence: sequence)
                bars.record(sequence: sequence, batches: [batch])
                if sequence == 2 { try await store.refreshRollups() }  // later commits land in folded minutes
            }
            #expect(bars.appliedThrough == 4)
            let reloaded = MinuteBars(wallClock: clock.read)
            try await reloaded.load(from: store)
            #expect(reloaded.statistics.bars == bars.statistics.bars)
            var compared = 0
            for round in 0..<40 {
                let (interval, width) = [("1m", Self.minute), ("5m", 5 * Self.minute), ("1h", Self.hour)][round % 3]
                let from = Self.start - Self.hour + Int64.random(in: 0..<(4 * 60), using: &generator) * Self.minute
                let range = from..<(from + Int64.random(in: 1...(4 * 60), using: &generator) * Self.minute)
                let whole = MinuteBar.bucket(of: range.lowerBound, width: width)..<(MinuteBar.bucket(of: range.upperBound - 1, width: width) + width)
                let symbol = round % 2 == 0 ? "BTC" : "ETH"
                let limit = round % 5 == 4 ? Int.random(in: 1...10, using: &generator) : nil
                let expected = try await Self.sqlCandles(store, symbol: symbol, range: range, interval: interval, limit: limit)
                compared += expected.count
                for memory in [bars, reloaded] {
                    let candles = try #require(Self.memoryCandles(memory, symbol: symbol, range: whole, width: width, limit: limit))
                    #expect(Self.rows(candles, symbol: symbol) == expected, "round \(round): \(interval) over \(range)")
                }
            }
            #expect(compared > 500)
        }
    }

    @Test func tiesOnTimestampAreBrokenByPriceAsInSQL() {
        var bar = MinuteBar(timestamp: Self.start + Self.second, price: 10, quantity: 1)
        bar.add(timestamp: Self.start + Self.second, price: 9, quantity: 1)  // same instant, lower: the open
        bar.add(timestamp: Self.start + 2 * Self.second, price: 11, quantity: 1)
        bar.add(timestamp: Self.start + 2 * Self.second, price: 12, quantity: 1)  // same instant, higher: the close
        bar.add(timestamp: Self.start + 2 * Self.second, price: 8, quantity: 1)
        #expect([bar.open, bar.close, bar.high, bar.low] == [9, 12, 12, 8])
        #expect(bar.tradeCount == 5 && bar.volume == 5 && bar.priceSum == 50)
    }

    @Test func barsOlderThanTheWindowAreEvictedAndNoLongerCovered() async throws {
        try await Self.withStore { store in
            let now = Self.start + 10 * Self.hour
            let clock = ManualClock(now)
            let bars = MinuteBars(configuration: .init(hours: 1), wallClock: clock.read)
            try await bars.load(from: store)
            let early = now - 30 * Self.minute
            bars.record(sequence: 1, batches: [trades([(early, "BTC", "X", 100, 1), (early - 2 * Self.hour, "BTC", "X", 50, 1)])])
            #expect(bars.statistics.bars == 1)  // the trade two hours back is outside the window
            let earlyRange = MinuteBar.bucket(of: early)..<(MinuteBar.bucket(of: early) + Self.minute)
            #expect(Self.memoryCandles(bars, symbol: "BTC", range: earlyRange, width: Self.minute, limit: nil)?.map(\.close) == [100])
            // An hour and a half later, a new trade moves the window past the first one.
            clock.set(now + 90 * Self.minute)
            bars.record(sequence: 2, batches: [trades([(now + 90 * Self.minute, "ETH", "X", 7, 1)])])
            #expect(bars.statistics.bars == 1)
            #expect(bars.statistics.symbols == 1)
            #expect(Self.memoryCandles(bars, symbol: "BTC", range: earlyRange, width: Self.minute, limit: nil) == nil)
            let recent = MinuteBar.bucket(of: now + 80 * Self.minute)..<MinuteBar.bucket(of: now + 100 * Self.minute)
            #expect(Self.memoryCandles(bars, symbol: "BTC", range: recent, width: Self.minute, limit: nil) == [])
            #expect(Self.memoryCandles(bars, symbol: "ETH", range: recent, width: Self.minute, limit: nil)?.map(\.close) == [7])
            // A trade far ahead of the clock is not held: ranges reaching it are not covered.
            bars.record(sequence: 3, batches: [trades([(now + 3 * 24 * Self.hour, "ETH", "X", 8, 1)])])
            #expect(Self.memoryCandles(bars, symbol: "ETH", range: recent.lowerBound..<(now + 4 * 24 * Self.hour), width: Self.minute, limit: nil) == nil)
            #expect(Self.memoryCandles(bars, symbol: "ETH", range: recent, width: Self.minute, limit: nil)?.count == 1)
        }
    }

    @Test func symbolAndBarCapsBoundMemoryAndLeaveTheRestToSQL() async throws {
        try await Self.withStore { store in
            let now = Self.start + 10 * Self.hour
            let bars = MinuteBars(configuration: .init(hours: 48, maxSymbols: 2, maxBars: 20), wallClock: ManualClock(now).read)
            try await bars.load(from: store)
            let first = now - 2 * Self.hour
            bars.record(sequence: 1, batches: [trades((0..<3).map { (first, "S\($0)", "X", 1, 1) })])
            let range = MinuteBar.bucket(of: first)..<now
            #expect(bars.statistics.symbols == 2)
            #expect(Self.memoryCandles(bars, symbol: "S0", range: range, width: Self.minute, limit: nil)?.count == 1)
            #expect(Self.memoryCandles(bars, symbol: "S2", range: range, width: Self.minute, limit: nil) == nil)
            #expect(Self.memoryCandles(bars, symbol: "never-written", range: range, width: Self.minute, limit: nil) == nil)

            // One bar a minute for an hour: the oldest go, the newest stay exact.
            bars.record(sequence: 2, batches: [trades((0..<60).map { (first + Int64($0) * Self.minute, "S0", "X", Double($0), 1) })])
            #expect(bars.statistics.bars <= 20)
            #expect(Self.memoryCandles(bars, symbol: "S0", range: range, width: Self.minute, limit: nil) == nil)
            let lastTen = (first + 50 * Self.minute)..<(first + 60 * Self.minute)
            let kept = try #require(Self.memoryCandles(bars, symbol: "S0", range: lastTen, width: Self.minute, limit: nil))
            #expect(kept.map(\.close) == (50..<60).map(Double.init))
        }
    }

    @Test func deletedRowsMakeTheMemoryStaleUntilItIsReadAgain() async throws {
        try await Self.withStore { store in
            let now = Self.start + 10 * Self.hour
            let bars = MinuteBars(wallClock: ManualClock(now).read)
            try await bars.load(from: store)
            let batch = trades([(now - 3 * Self.hour, "BTC", "X", 1, 1), (now - Self.hour, "BTC", "X", 2, 1)])
            try await store.commit([batch], sequence: 1)
            bars.record(sequence: 1, batches: [batch])
            try await store.refreshRollups()
            // What the archiver's expiry does: rows before a cutoff leave the table and the rollup.
            let cutoff = now - 2 * Self.hour
            _ = try await store.write { connection in
                try connection.execute("DELETE FROM trades WHERE ts < make_timestamp_ns(\(cutoff))")
                try connection.execute("DELETE FROM trades_1m WHERE bucket < make_timestamp_ns(\(cutoff))")
            }
            bars.markStale()
            let range = MinuteBar.bucket(of: now - 4 * Self.hour)..<now
            #expect(Self.memoryCandles(bars, symbol: "BTC", range: range, width: Self.minute, limit: nil) == nil)
            try await bars.reloadIfStale(from: store)
            #expect(Self.memoryCandles(bars, symbol: "BTC", range: range, width: Self.minute, limit: nil)?.map(\.close) == [2])
            #expect(bars.appliedThrough == 1)
        }
    }

    @Test func symbolsAreComparedByteForByteAsDuckDBDoes() async throws {
        try await Self.withStore { store in
            let now = Self.start + 10 * Self.hour
            let bars = MinuteBars(wallClock: ManualClock(now).read)
            try await bars.load(from: store)
            // "é" decomposed and precomposed: equal Swift strings, different symbols in DuckDB.
            bars.record(sequence: 1, batches: [trades([(now - Self.hour, "CAF\u{45}\u{301}", "X", 3, 1)])])
            let range = (now - 2 * Self.hour)..<now
            #expect(Self.memoryCandles(bars, symbol: "CAF\u{45}\u{301}", range: range, width: Self.minute, limit: nil)?.count == 1)
            #expect(Self.memoryCandles(bars, symbol: "CAF\u{C9}", range: range, width: Self.minute, limit: nil) == [])
        }
    }

    @Test func storedCandlesOfASymbolAndIntervalSendThatPairToSQL() async throws {
        try await Self.withStore { store in
            let now = Self.start + 10 * Self.hour
            let clock = ManualClock(now)
            let bars = MinuteBars(wallClock: clock.read)
            try await bars.load(from: store)
            var row = RowValues(table: .candles)
            func set(_ name: String, _ text: String?, _ number: Double?) {
                switch row.slots[AnalyticsTable.candles.columnIndex(name)!] {
                case .text(let slot): row.texts[slot] = text
                case .double(let slot): row.doubles[slot] = number
                default: break
                }
            }
            row.timestamp = now - Self.hour
            set("symbol", "BTC", nil)
            set("interval", "5m", nil)
            for name in ["open", "high", "low", "close", "volume"] { set(name, nil, 1) }
            var batch = ColumnarBatch(table: .candles)
            batch.append(row)
            try await store.commit([batch], sequence: 1)
            bars.record(sequence: 1, batches: [batch])
            let range = (now - 2 * Self.hour)..<now
            let reloaded = MinuteBars(wallClock: clock.read)
            try await reloaded.load(from: store)
            for memory in [bars, reloaded] {
                guard case .notCovered = memory.lookup(symbol: "BTC", range: range, interval: "5m", appliedThrough: 1) else {
                    Issue.record("stored 5m candles of BTC must go to SQL")
                    continue
                }
                guard case .covered = memory.lookup(symbol: "BTC", range: range, interval: "1m", appliedThrough: 1) else {
                    Issue.record("1m candles of BTC have nothing stored")
                    continue
                }
            }
            // An answer waits for the commit the writer published last.
            guard case .behind = bars.lookup(symbol: "BTC", range: range, interval: "1m", appliedThrough: 2) else {
                Issue.record("commit 2 is not folded in yet")
                return
            }
        }
    }
}
