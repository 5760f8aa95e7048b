import Testing
import TradewatchCore
import TradewatchLive

@Suite struct LiveHubPacingTests {
    @Test func hundredCommitsInOneSecondAreCoalescedIntoAtMostTenFramesPerSecond() async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxFramesPerSecond: 10), clock: clock)
        try await Self.hundredCommitsInOneSecond(hub, clock)
    }

    /// Publishes 100 commits over one second of `clock` time to one subscription of `hub` and
    /// checks they arrive coalesced to at most one frame per 100 ms, every row in order, each frame
    /// tagged with its last commit. Run with and without the hub's tick (`LiveHubTickTests`).
    static func hundredCommitsInOneSecond(_ hub: LiveHub, _ clock: ManualClock) async throws {
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        try await collecting(connection) { log in
            for commit in 1...100 {
                hub.publish(sequence: Int64(commit), batches: [tradesBatch([trade("\(commit)")])])
                clock.advance(by: .milliseconds(10))
                try await Task.sleep(for: .microseconds(200))
            }
            // 100 commits over 1 s of clock time: frames at 0, 0.1 … 0.9 s, and the last at 1.0 s.
            clock.advance(by: .milliseconds(100))
            try await log.waitUntil(advancing: clock) { $0.rows.count == 100 }
            let frames = log.objects(op: "rows")
            // At most one frame per 100 ms of clock time (the wait may have moved it on a little).
            let elapsed = clock.now.offset
            #expect(frames.count <= Int(elapsed / .milliseconds(100)) + 1)
            #expect(frames.count >= 2)
            #expect(log.rows.map { $0["trade_id"] as? String } == (1...100).map { "\($0)" })
            // Each frame is tagged with the last commit it holds.
            for frame in frames {
                let rows = frame["rows"] as? [[String: Any]] ?? []
                #expect(frame["commit"] as? Int == Int(rows.last?["trade_id"] as? String ?? ""))
            }
        }
    }
}
