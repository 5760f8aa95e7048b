import Foundation
import Testing
import TradewatchCore
import TradewatchLive

@Suite struct LiveHubMatchingTests {
    @Test func eachSubscriptionGetsExactlyTheRowsItsFilterMatches() async throws {
        let hub = LiveHub()
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "two", table: .trades, filter: LiveFilter(["symbol": ["AAPL", "MSFT"]])))
        try connection.subscribe(LiveSubscription(id: "all", table: .trades))
        try connection.subscribe(
            LiveSubscription(id: "buys", table: .trades, filter: LiveFilter(["symbol": ["AAPL"], "side": ["buy"]])))
        try connection.subscribe(LiveSubscription(id: "venue", table: .trades, filter: LiveFilter(["venue": ["XNYS"]])))
        try connection.subscribe(LiveSubscription(id: "cpu", table: .metrics, filter: LiveFilter(["name": ["cpu"]])))
        #expect(hub.statistics.subscriptions == 5)

        var nyse = trade("5", symbol: "IBM")
        nyse.venue = "XNYS"
        let trades = [
            trade("1", symbol: "AAPL", side: "buy"), trade("2", symbol: "MSFT", side: "buy"),
            trade("3", symbol: "AAPL", side: "sell"), trade("4", symbol: "TSLA"), nyse,
        ]
        try await collecting(connection) { log in
            hub.publish(sequence: 7, batches: [tradesBatch(trades), metricsBatch(["mem", "cpu", "disk"])])
            try await log.waitUntil { $0.rows.count == 5 + 3 + 1 + 1 + 1 }
            func ids(_ subscription: String) -> [String] {
                log.objects(op: "rows").filter { $0["id"] as? String == subscription }
                    .flatMap { $0["rows"] as? [[String: Any]] ?? [] }
                    .map { ($0["trade_id"] as? String) ?? ($0["name"] as? String) ?? "?" }
            }
            #expect(ids("all") == ["1", "2", "3", "4", "5"])
            #expect(ids("two") == ["1", "2", "3"])
            #expect(ids("buys") == ["1"])
            #expect(ids("venue") == ["5"])
            #expect(ids("cpu") == ["cpu"])
            #expect(log.objects(op: "rows").allSatisfy { $0["commit"] as? Int == 7 })
        }
    }

    @Test func rowsAreRenderedAsObjectsKeyedByColumnName() async throws {
        let hub = LiveHub()
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        var row = trade("t-1")
        row.ts = 1_700_000_000_123_456_789
        row.price = 101.25
        row.qty = 3
        row.side = nil
        row.labels = #"{"desk":"eq \"1\"","n":2}"#
        try await collecting(connection) { log in
            hub.publish(sequence: 42, batches: [tradesBatch([row])])
            try await log.waitUntil { $0.frames.count == 1 }
            let frame = String(decoding: log.frames[0], as: UTF8.self)
            #expect(frame == #"{"op":"rows","id":"s1","commit":42,"rows":[{"ts":"2023-11-14T22:13:20.123456789Z","symbol":"AAPL","venue":"XNAS","price":101.25,"qty":3.0,"side":null,"trade_id":"t-1","labels":{"desk":"eq \"1\"","n":2}}]}"#)
        }
    }

    @Test func matchingIsIndexedByKeyValue() async throws {
        // Many selective subscriptions: a row reaches only the one indexed under its symbol.
        let hub = LiveHub()
        var connections: [LiveConnection] = []
        for index in 0..<200 {
            let connection = try hub.connect()
            try connection.subscribe(
                LiveSubscription(id: "s", table: .trades, filter: LiveFilter(["symbol": ["SYM\(index)"]])))
            connections.append(connection)
        }
        let target = connections[123]
        try await collecting(target) { log in
            hub.publish(sequence: 1, batches: [tradesBatch([trade("x", symbol: "SYM123"), trade("y", symbol: "OTHER")])])
            try await log.waitUntil { $0.rows.count == 1 }
            #expect(log.rows.first?["trade_id"] as? String == "x")
        }
        // Nothing was queued for the 199 others.
        #expect(hub.statistics.rowsDropped == 0)
        #expect(hub.statistics.rowsSent == 1)
        for connection in connections { connection.close() }
        #expect(hub.statistics.clients == 0)
        #expect(hub.statistics.subscriptions == 0)
    }
}
