import Testing
import TradewatchCore
import TradewatchLive

@Suite struct LiveHubHoldTests {
    @Test func heldRowsAfterTheReplayBoundaryFollowTheReplayWithNoGapAndNoDuplicate() async throws {
        let clock = ManualClock()
        let hub = LiveHub(clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades), hold: true)
        try await collecting(connection) { log in
            // Committed while the caller replays from the stores: held, not sent.
            for commit in 1...5 { hub.publish(sequence: Int64(commit), batches: [tradesBatch([trade("\(commit)")])]) }
            try await Task.sleep(for: .milliseconds(20))
            #expect(log.frames.isEmpty)
            // The replay read the stores through commit 3.
            connection.send(Array(#"{"op":"replay","id":"s1","rows":[{"trade_id":"1"},{"trade_id":"2"},{"trade_id":"3"}]}"#.utf8))
            connection.releaseHold(id: "s1", replayedThrough: 3)
            try await log.waitUntil(advancing: clock) { $0.rows.count == 2 }
            clock.advance(by: .seconds(1))
            hub.publish(sequence: 6, batches: [tradesBatch([trade("6")])])
            try await log.waitUntil(advancing: clock) { $0.rows.count == 3 }
            let replayed = log.objects(op: "replay").flatMap { $0["rows"] as? [[String: Any]] ?? [] }
            let received = (replayed + log.rows).map { $0["trade_id"] as? String }
            #expect(received == ["1", "2", "3", "4", "5", "6"])
            #expect(log.objects.first?["op"] as? String == "replay")
            #expect(log.objects(op: "rows").map { $0["commit"] as? Int } == [5, 6])
        }
    }

    @Test func aFrameSentWhileRowsArePendingComesAfterThem() async throws {
        let clock = ManualClock()
        let hub = LiveHub(clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        try await collecting(connection) { log in
            hub.publish(sequence: 1, batches: [tradesBatch([trade("1")])])
            try await log.waitUntil(advancing: clock) { $0.rows.count == 1 }
            hub.publish(sequence: 2, batches: [tradesBatch([trade("2")])])  // paced: pending
            connection.send(Array(#"{"op":"marker"}"#.utf8))
            hub.publish(sequence: 3, batches: [tradesBatch([trade("3")])])
            clock.advance(by: .seconds(1))
            try await log.waitUntil(advancing: clock) { $0.objects(op: "marker").count == 1 }
            clock.advance(by: .seconds(1))  // rows 3 waited for the pacing window after rows 2
            try await log.waitUntil(advancing: clock) { $0.rows.count == 3 }
            let order = log.objects.map { ($0["op"] as? String ?? "") + "\($0["commit"] as? Int ?? 0)" }
            #expect(order == ["rows1", "rows2", "marker0", "rows3"])
        }
    }
}
