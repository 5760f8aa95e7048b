import DuckDB
import Testing
import TradewatchCore
import TradewatchQuery
import TradewatchStorage

@Suite struct ExecutionQualityQueryTests {
    /// 2026-01-01T00:00:00Z.
    static let t0: Int64 = 1_767_225_600_000_000_000
    static let second: Int64 = 1_000_000_000
    static let window = "start=\(t0)&end=\(t0 + 60 * second)"

    /// BTC is quoted (mids 100 before start, 102 at 2 s, 104 at 30 s); ETH only trades (2000 at
    /// 0.5 s, 2010 at 3 s); SOL has no market data at all.
    static func fixture() async throws -> AnalyticsFixture {
        func quote(_ offset: Int64, _ venue: String, bid: Double, ask: Double?) -> AnalyticsFixture.Row {
            (t0 + offset, ["symbol": .text("BTC"), "venue": .text(venue), "bid": .double(bid), "ask": .double(ask)])
        }
        func trade(_ offset: Int64, _ symbol: String, _ price: Double) -> AnalyticsFixture.Row {
            (t0 + offset, ["symbol": .text(symbol), "price": .double(price), "qty": .double(1)])
        }
        func fill(
            _ offset: Int64, _ order: String, _ strategy: String, _ symbol: String, _ side: String, qty: Double,
            price: Double, fee: Double?, venue: String, latency: Int64?
        ) -> AnalyticsFixture.Row {
            (t0 + offset, [
                "order_id": .text(order), "strategy": .text(strategy), "symbol": .text(symbol), "side": .text(side),
                "qty": .double(qty), "price": .double(price), "fee": .double(fee), "venue": .text(venue),
                "latency_us": .integer(latency),
            ])
        }
        return try await AnalyticsFixture([
            (.quotes, [
                quote(-10 * second, "X", bid: 99, ask: 101),  // before start, still the prevailing mid at 1 s
                quote(2 * second, "Y", bid: 101, ask: 103),
                quote(3 * second, "X", bid: 150, ask: nil),  // one-sided: no mid
                quote(30 * second, "X", bid: 103, ask: 105),
                quote(70 * second, "X", bid: 200, ask: 202),  // after every horizon
            ]),
            (.trades, [trade(500_000_000, "ETH", 2000), trade(3 * second, "ETH", 2010), trade(4 * second, "BTC", 500)]),
            (.executions, [
                fill(1 * second, "o1", "mm", "BTC", "buy", qty: 2, price: 100.5, fee: 0.1, venue: "X", latency: 100),
                fill(5 * second, "o2", "mm", "BTC", "SELL", qty: 1, price: 101, fee: 0.05, venue: "X", latency: 300),
                fill(1 * second, "o3", "mm", "ETH", "Buy", qty: 0.5, price: 2001, fee: nil, venue: "Y", latency: 200),
                fill(20 * second, "o4", "arb", "SOL", "sell", qty: 10, price: 50, fee: nil, venue: "X", latency: nil),
                fill(60 * second, "o5", "mm", "BTC", "buy", qty: 1, price: 1, fee: nil, venue: "X", latency: 1),  // at end
            ]),
        ])
    }

    static func query(_ text: String, now: Int64 = t0 + 3_600 * second) throws -> ExecutionQualityQuery {
        var parameters = QueryParameters(query: text)
        let query = try ExecutionQualityQuery(parameters: &parameters, now: now)
        try parameters.rejectUnknown()
        return query
    }

    static func ts(_ offset: Int64) -> DuckDBValue {
        .timestampNanos(TimestampNanos(nanosecondsSinceEpoch: t0 + offset))
    }

    /// Equal, doubles within a relative 1e-12 (basis points are computed in a different order).
    static func matches(_ actual: [[DuckDBValue]], _ expected: [[DuckDBValue]]) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy { row, expectedRow in
            row.count == expectedRow.count && zip(row, expectedRow).allSatisfy { value, expectedValue in
                guard case .double(let number) = value, case .double(let expectedNumber) = expectedValue else {
                    return value == expectedValue
                }
                return abs(number - expectedNumber) <= 1e-12 * max(1, abs(expectedNumber))
            }
        }
    }

    static let fillColumns = [
        "ts", "order_id", "strategy", "symbol", "venue", "side", "qty", "price", "fee", "latency_us", "mid", "mid_source",
        "slippage_bps", "markout_1s_bps", "markout_5s_bps", "markout_60s_bps",
    ]

    @Test func everyFillIsPricedAgainstThePrevailingMid() async throws {
        let fixture = try await Self.fixture()
        let result = try await fixture.run(Self.query(Self.window).plans[0].plan)
        #expect(result.columns == Self.fillColumns)
        let expected: [[DuckDBValue]] = [
            // Bought 0.5 above the quote mid of 100 (quoted before start): a 50 bp cost. The mid
            // then rose to 102 (1 s, 5 s) and 104 (60 s): favourable.
            [Self.ts(Self.second), "o1", "mm", "BTC", "X", "buy", 2.0, 100.5, 0.1, .int64(100), 100.0, "quote",
             .double(0.5 / 100 * 10_000), .double(1.5 / 100.5 * 10_000), .double(1.5 / 100.5 * 10_000),
             .double(3.5 / 100.5 * 10_000)],
            // No ETH quote: the 0.5 s trade at 2000 stands in. No trade in the second after the
            // fill; the 3 s trade at 2010 is known by 5 s and 60 s.
            [Self.ts(Self.second), "o3", "mm", "ETH", "Y", "Buy", 0.5, 2001.0, nil, .int64(200), 2000.0, "trade",
             .double(1.0 / 2000 * 10_000), nil, .double(9.0 / 2001 * 10_000), .double(9.0 / 2001 * 10_000)],
            // Sold 1 below the quote mid of 102 (a quote is preferred over the later BTC trade at
            // 500; the one-sided quote is skipped): a cost. No quote moves until 30 s, when the
            // mid of 104 makes the sale unfavourable.
            [Self.ts(5 * Self.second), "o2", "mm", "BTC", "X", "SELL", 1.0, 101.0, 0.05, .int64(300), 102.0, "quote",
             .double(1.0 / 102 * 10_000), nil, nil, .double(-3.0 / 101 * 10_000)],
            // Nothing known about SOL.
            [Self.ts(20 * Self.second), "o4", "arb", "SOL", "X", "sell", 10.0, 50.0, nil, nil, nil, nil, nil, nil, nil, nil],
        ]
        #expect(Self.matches(result.rows, expected), "\(result.rows)")
    }

    @Test func summaryAggregatesPerStrategySymbolAndVenue() async throws {
        let fixture = try await Self.fixture()
        let query = try Self.query(Self.window)
        #expect(query.plans.map(\.name) == ["executions", "summary"])
        let result = try await fixture.run(query.plans[1].plan)
        #expect(result.columns == [
            "strategy", "symbol", "venue", "executions", "qty", "notional", "fees", "slippage_bps_mean", "slippage_bps_p50",
            "slippage_bps_p95", "latency_us_p50", "latency_us_p95", "latency_us_p99", "markout_1s_bps_mean",
            "markout_5s_bps_mean", "markout_60s_bps_mean",
        ])
        let buySlippage = 50.0
        let sellSlippage = 1.0 / 102 * 10_000
        let buyMarkout = 1.5 / 100.5 * 10_000
        let expected: [[DuckDBValue]] = [
            ["arb", "SOL", "X", .int64(1), 10.0, 500.0, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil],
            ["mm", "BTC", "X", .int64(2), 3.0, 302.0, .double(0.1 + 0.05),
             .double((buySlippage + sellSlippage) / 2), .double((buySlippage + sellSlippage) / 2),
             .double(buySlippage + 0.95 * (sellSlippage - buySlippage)), 200.0, 290.0, 298.0,
             .double(buyMarkout), .double(buyMarkout), .double((3.5 / 100.5 * 10_000 - 3.0 / 101 * 10_000) / 2)],
            ["mm", "ETH", "Y", .int64(1), 0.5, 1000.5, nil, 5.0, 5.0, 5.0, 200.0, 200.0, 200.0,
             nil, .double(9.0 / 2001 * 10_000), .double(9.0 / 2001 * 10_000)],
        ]
        #expect(Self.matches(result.rows, expected), "\(result.rows)")
    }

    @Test func filtersByStrategySymbolAndVenue() async throws {
        let fixture = try await Self.fixture()
        func orders(_ text: String) async throws -> [DuckDBValue] {
            try await fixture.run(Self.query(Self.window + "&" + text).plans[0].plan).rows.map { $0[1] }
        }
        #expect(try await orders("strategy=arb") == ["o4"])
        #expect(try await orders("strategy=mm&symbol=BTC") == ["o1", "o2"])
        #expect(try await orders("venue=Y") == ["o3"])
        #expect(try await orders("symbol=BTC,SOL&venue=X") == ["o1", "o2", "o4"])
        #expect(try await orders("strategy=none").isEmpty)
    }

    @Test func markoutsWaitForPricesAfterTheFill() async throws {
        // A fill whose market data stops at the fill: the entry mid is known, no markout is.
        let fixture = try await AnalyticsFixture([
            (.quotes, [(Self.t0, ["symbol": .text("BTC"), "bid": .double(99), "ask": .double(101)])]),
            (.executions, [(Self.t0 + Self.second, [
                "order_id": .text("late"), "symbol": .text("BTC"), "side": .text("buy"), "qty": .double(1),
                "price": .double(101),
            ])]),
        ])
        let result = try await fixture.run(Self.query(Self.window).plans[0].plan)
        #expect(Self.matches(result.rows.map { Array($0[10...]) }, [[100.0, "quote", 100.0, nil, nil, nil]]))
    }

    @Test func defaultsToTheLastDayAndReadsMarketDataOfAnyAge() throws {
        let query = try Self.query("", now: Self.t0)
        #expect(query.range == (Self.t0 - 86_400 * Self.second)..<Self.t0)
        for plan in query.plans.map(\.plan) {
            #expect(plan.tables == [.executions, .quotes, .trades])
            #expect(plan.window == nil)
        }
    }

    @Test func badParametersAreRefusedNamingThem() throws {
        let time = #expect(throws: QueryError.self) { try Self.query("start=yesterday") }
        #expect(time?.parameter == "start")
        let order = #expect(throws: QueryError.self) { try Self.query("start=\(Self.t0)&end=\(Self.t0 - 1)") }
        #expect(order?.parameter == "start")
        let unknown = #expect(throws: QueryError.self) { try Self.query("strategy=mm&side=buy") }
        #expect(unknown?.parameter == "side")
        #expect(unknown?.message == "unknown parameter side; this endpoint takes end, start, strategy, symbol, venue")
    }
}
