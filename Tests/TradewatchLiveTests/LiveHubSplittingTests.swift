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

    /// 80 connections, one subscription each and a second one on connection 0: over 64 matched
    /// subscriptions, served in two halves side by side. Every connection gets exactly its rows,
    /// in commit order, and connection 0 its two subscriptions' frames in match order.
    @Test func manyConnectionsServedInTwoHalvesEachGetExactlyTheirRows() async throws {
        let hub = LiveHub()
        let connections = try (0..<80).map { _ in try hub.connect() }
        let trades = (0..<400).map { index in trade("\(index)", symbol: "SYM\(index % 20)") }
        for (number, connection) in connections.enumerated() {
            try connection.subscribe(LiveSubscription(id: "s", table: .trades, filter: LiveFilter(["symbol": ["SYM\(number % 20)"]])))
        }
        try connections[0].subscribe(LiveSubscription(id: "late", table: .trades, filter: LiveFilter(["symbol": ["SYM19"]])))
        let logs = connections.map { _ in FrameLog() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (connection, log) in zip(connections, logs) {
                group.addTask { for await frame in connection.frames { log.append(frame) } }
            }
            hub.publish(sequence: 1, batches: [tradesBatch(Array(trades[..<200]))])
            hub.publish(sequence: 2, batches: [tradesBatch(Array(trades[200...]))])
            for (number, log) in logs.enumerated() {
                let expected = trades.filter { $0.symbol == "SYM\(number % 20)" }.map { $0.tradeID! }
                let late = number == 0 ? trades.filter { $0.symbol == "SYM19" }.map { $0.tradeID! } : []
                try await log.waitUntil { $0.rows.count == expected.count + late.count }
                let received = { (id: String) in
                    log.objects(op: "rows").filter { $0["id"] as? String == id }
                        .flatMap { $0["rows"] as? [[String: Any]] ?? [] }.map { $0["trade_id"] as? String ?? "?" }
                }
                #expect(received("s") == expected, "connection \(number)")
                #expect(received("late") == late, "connection \(number)")
            }
            // Connection 0's first frame is its "s" subscription's: it matched the commit's first row.
            #expect(logs[0].objects(op: "rows").first?["id"] as? String == "s")
            for connection in connections { connection.close() }
            try await group.waitForAll()
        }
    }
}
