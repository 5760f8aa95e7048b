import Logging
import ServiceLifecycle
import Testing
import TradewatchCore
import TradewatchLive

@Suite struct LiveFeedTests {
    /// Commits queued while nobody publishes reach subscribers in order once the feed runs; a
    /// queue over its bound skips the oldest commits and counts them.
    @Test func queuedCommitsArePublishedInOrderAndTheBoundSkipsTheOldest() async throws {
        let hub = LiveHub()
        let feed = LiveFeed(hub: hub, maxQueuedRows: 10, logger: Logger(label: "feed-test"))
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        for commit in 1...3 {
            let rows = (0..<5).map { index in trade("\(commit)-\(index)") }
            feed.submit(sequence: Int64(commit), batches: [tradesBatch(rows)])  // returns at once
        }
        #expect(feed.skippedCommits == 1)
        try await collecting(connection) { log in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await feed.run() }
                try await log.waitUntil { $0.rows.count == 10 }
                group.cancelAll()
            }
            #expect(log.rows.map { $0["trade_id"] as? String } == (2...3).flatMap { commit in (0..<5).map { "\(commit)-\($0)" } })
        }
    }
}
