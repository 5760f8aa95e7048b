import Testing
import TradewatchCore
import TradewatchLive

@Suite struct LiveHubCandleTests {
    /// Start of a one-minute bar: 2023-11-14T22:14:00Z.
    static let bar0: Int64 = 1_700_000_040_000_000_000
    static let second: Int64 = 1_000_000_000

    func publish(_ hub: LiveHub, _ commit: Int64, at offset: Int64, price: Double, qty: Double, symbol: String = "AAPL") {
        var row = TestTrade(ts: Self.bar0 + offset * Self.second, symbol: symbol, price: price, qty: qty)
        row.tradeID = "\(commit)"
        hub.publish(sequence: commit, batches: [tradesBatch([row])])
    }

    @Test func barsFormCloseAndAreRevisedWithExactValues() async throws {
        let clock = ManualClock()
        let hub = LiveHub(clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(
            LiveSubscription(id: "c1", table: .candles, filter: LiveFilter(["symbol": ["AAPL"]]), interval: 60 * Self.second))
        try await collecting(connection) { log in
            func candles() -> [[String: Any]] { log.objects(op: "candle") }
            publish(hub, 1, at: 1, price: 10, qty: 1)
            publish(hub, 2, at: 10, price: 12, qty: 2)
            publish(hub, 3, at: 20, price: 11, qty: 1)
            publish(hub, 4, at: 25, price: 99, qty: 1, symbol: "MSFT")  // another symbol: ignored
            clock.advance(by: .seconds(1))
            try await log.waitUntil(advancing: clock) { ($0.objects(op: "candle").last?["commit"] as? Int) == 3 }
            let forming = try #require(candles().last)
            #expect(forming["final"] as? Bool == false && forming["revised"] as? Bool == false)
            #expect(bar(forming) == Bar(ts: "2023-11-14T22:14:00.000000000Z", open: 10, high: 12, low: 10, close: 11,
                volume: 4, vwap: 11.25, count: 3))

            // A trade of the next bar closes this one.
            clock.advance(by: .seconds(1))
            publish(hub, 5, at: 61, price: 13, qty: 1)
            clock.advance(by: .seconds(1))
            try await log.waitUntil(advancing: clock) { $0.objects(op: "candle").contains { $0["final"] as? Bool == true } }
            let final = try #require(candles().first { $0["final"] as? Bool == true })
            #expect(final["revised"] as? Bool == false && final["commit"] as? Int == 3)
            clock.advance(by: .seconds(1))  // the new bar's first version is paced after the final
            #expect(bar(final) == Bar(ts: "2023-11-14T22:14:00.000000000Z", open: 10, high: 12, low: 10, close: 11,
                volume: 4, vwap: 11.25, count: 3))
            try await log.waitUntil(advancing: clock) { $0.objects(op: "candle").contains { $0["commit"] as? Int == 5 } }

            // A late trade changes the closed bar: it is sent again, revised.
            clock.advance(by: .seconds(1))
            publish(hub, 6, at: 30, price: 9, qty: 4)
            clock.advance(by: .seconds(1))
            try await log.waitUntil(advancing: clock) { $0.objects(op: "candle").contains { $0["revised"] as? Bool == true } }
            let revised = try #require(candles().first { $0["revised"] as? Bool == true })
            #expect(revised["final"] as? Bool == true && revised["commit"] as? Int == 6)
            #expect(bar(revised) == Bar(ts: "2023-11-14T22:14:00.000000000Z", open: 10, high: 12, low: 9, close: 9,
                volume: 8, vwap: 10.125, count: 4))

            // A quiet market: the clock passing the bar's end closes the forming bar.
            let before = candles().count
            clock.advance(by: .seconds(60))
            try await log.waitUntil(advancing: clock) { $0.objects(op: "candle").count > before }
            let quiet = try #require(candles().last)
            #expect(quiet["final"] as? Bool == true && quiet["revised"] as? Bool == false)
            #expect(bar(quiet) == Bar(ts: "2023-11-14T22:15:00.000000000Z", open: 13, high: 13, low: 13, close: 13,
                volume: 1, vwap: 13, count: 1))
            #expect(candles().allSatisfy { ($0["id"] as? String) == "c1" })
        }
    }

    @Test func aVenueFilterKeepsOtherVenuesOutOfTheBars() async throws {
        let clock = ManualClock()
        let hub = LiveHub(clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(
            id: "c1", table: .candles, filter: LiveFilter(["symbol": ["AAPL"], "venue": ["XNAS"]]), interval: 60 * Self.second))
        var other = TestTrade(ts: Self.bar0, price: 50, qty: 5)
        other.venue = "BATS"
        try await collecting(connection) { log in
            hub.publish(sequence: 1, batches: [tradesBatch([TestTrade(ts: Self.bar0, price: 10, qty: 1), other])])
            try await log.waitUntil(advancing: clock) { !$0.objects(op: "candle").isEmpty }
            #expect(bar(log.objects(op: "candle")[0])?.volume == 1)
        }
    }
}

struct Bar: Equatable {
    var ts: String
    var open, high, low, close, volume, vwap: Double
    var count: Int
}

func bar(_ frame: [String: Any]) -> Bar? {
    guard let bar = frame["bar"] as? [String: Any], let ts = bar["ts"] as? String, let open = bar["open"] as? Double,
        let high = bar["high"] as? Double, let low = bar["low"] as? Double, let close = bar["close"] as? Double,
        let volume = bar["volume"] as? Double, let vwap = bar["vwap"] as? Double, let count = bar["trade_count"] as? Int,
        bar["symbol"] as? String == "AAPL"
    else { return nil }
    return Bar(ts: ts, open: open, high: high, low: low, close: close, volume: volume, vwap: vwap, count: count)
}
