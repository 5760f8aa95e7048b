import Foundation
import Testing
import TradewatchCore
import TradewatchLive

/// Matching by grouping a commit's rows by key value: every subscription gets exactly its rows.
@Suite struct LiveHubSplittingTests {
    /// With `copies` subscriptions per symbol; 8 makes over 64 subscriptions, which the hub
    /// serves in two halves side by side. Two commits: each subscription gets its rows in order.
    @Test(arguments: [1, 8])
    func theRowsOfACommitAreSplitAcrossSubscriptionsExactly(copies: Int) async throws {
        let hub = LiveHub(configuration: LiveConfiguration(maxSubscriptionsPerConnection: 500))
        let connection = try hub.connect()
        let trades = (0..<400).map { index in
            trade("\(index)", symbol: "SYM\((index * 7) % 20)", side: index % 3 == 0 ? "sell" : "buy")
        }
        var expected: [String: [String]] = [:]
        func expect(_ id: String, _ filter: [String: Set<String>]) throws {
            try connection.subscribe(LiveSubscription(id: id, table: .trades, filter: LiveFilter(filter)))
            expected[id] = trades.filter { trade in
                filter.allSatisfy { column, values in values.contains(column == "symbol" ? trade.symbol : trade.side ?? "") }
            }.map { $0.tradeID! }
        }
        for symbol in 0..<20 {
            for copy in 0..<copies { try expect("one-\(symbol)-\(copy)", ["symbol": ["SYM\(symbol)"]]) }
        }
        try expect("pair", ["symbol": ["SYM1", "SYM2"]])
        try expect("sells", ["symbol": ["SYM3"], "side": ["sell"]])
        try expect("none", ["symbol": ["SYM99"]])
        try expect("all", [:])
        try await collecting(connection) { log in
            hub.publish(sequence: 3, batches: [tradesBatch(Array(trades[..<250]))])
            hub.publish(sequence: 4, batches: [tradesBatch(Array(trades[250...]))])
            let total = expected.values.reduce(0) { $0 + $1.count }
            try await log.waitUntil { $0.rows.count == total }
            for (id, ids) in expected {
                let received = log.objects(op: "rows").filter { $0["id"] as? String == id }
                    .flatMap { $0["rows"] as? [[String: Any]] ?? [] }.map { $0["trade_id"] as? String ?? "?" }
                #expect(received == ids, "subscription \(id)")
            }
            #expect(expected["all"]?.count == 400 && expected["pair"]?.count == 40 && expected["none"] == [])
        }
    }
}
