import Testing
import TradewatchCore
@testable import TradewatchLive

@Suite struct LiveHubBackpressureTests {
    @Test func aClientThatDoesNotReadIsLaggedWhileAnotherGetsEverything() async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxBufferedRows: 10), clock: clock)
        let fast = try hub.connect()
        let slow = try hub.connect()
        for connection in [fast, slow] { try connection.subscribe(LiveSubscription(id: "s1", table: .trades)) }
        try await collecting(fast) { log in
            for commit in 1...3 {
                let trades = (1...10).map { trade("\((commit - 1) * 10 + $0)") }
                hub.publish(sequence: Int64(commit), batches: [tradesBatch(trades)])
                clock.advance(by: .seconds(1))
                try await log.waitUntil(advancing: clock) { $0.rows.count == commit * 10 }
            }
            #expect(log.rows.map { $0["trade_id"] as? String } == (1...30).map { "\($0)" })
            #expect(log.objects(op: "lagged").isEmpty)
        }
        var frames = slow.frames.makeAsyncIterator()
        let lagged = await frames.next().map { String(decoding: $0, as: UTF8.self) }
        #expect(lagged == #"{"op":"lagged","id":"s1","dropped":20}"#)
        let rows = await frames.next().map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(rows.hasPrefix(#"{"op":"rows","id":"s1","commit":3,"rows":[{"#))
        #expect(rows.contains(#""trade_id":"21""#) && rows.contains(#""trade_id":"30""#))
        #expect(!rows.contains(#""trade_id":"20""#))
        #expect(hub.statistics.rowsDropped == 20)
        #expect(hub.statistics.disconnectedStuck == 0)
        slow.close()
    }

    @Test func aClientStuckPastTheTimeoutIsDisconnectedWithAnError() async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxBufferedRows: 5, stuckTimeout: .seconds(30)), clock: clock)
        let stuck = try hub.connect()
        try stuck.subscribe(LiveSubscription(id: "s1", table: .trades))
        hub.publish(sequence: 1, batches: [tradesBatch((1...10).map { trade("\($0)") })])
        clock.advance(by: .seconds(29))
        hub.publish(sequence: 2, batches: [tradesBatch([trade("11")])])
        #expect(hub.statistics.disconnectedStuck == 0)
        clock.advance(by: .seconds(1))
        hub.publish(sequence: 3, batches: [tradesBatch([trade("12")])])
        #expect(hub.statistics.disconnectedStuck == 1)
        var frames: [String] = []
        for await frame in stuck.frames { frames.append(String(decoding: frame, as: UTF8.self)) }
        #expect(frames == [#"{"op":"error","message":"live connection disconnected: could not keep up for 30 s"}"#])
        stuck.close()
    }

    @Test func readingAFrameRestartsTheStuckTimeout() async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxBufferedRows: 5, stuckTimeout: .seconds(30)), clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        hub.publish(sequence: 1, batches: [tradesBatch((1...10).map { trade("\($0)") })])
        clock.advance(by: .seconds(20))
        var frames = connection.frames.makeAsyncIterator()
        _ = await frames.next()  // lagged
        clock.advance(by: .seconds(20))
        hub.publish(sequence: 2, batches: [tradesBatch((11...20).map { trade("\($0)") })])
        #expect(hub.statistics.disconnectedStuck == 0)
        connection.close()
    }

    @Test func theSweepDisconnectsAStuckClientWhenNothingMoreIsPublished() async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxBufferedRows: 5, stuckTimeout: .seconds(30)), clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        hub.publish(sequence: 1, batches: [tradesBatch((1...10).map { trade("\($0)") })])
        clock.advance(by: .seconds(10))
        hub.sweepStuck()
        #expect(hub.statistics.disconnectedStuck == 0)
        clock.advance(by: .seconds(25))
        hub.sweepStuck()
        #expect(hub.statistics.disconnectedStuck == 1)
        var frames = connection.frames.makeAsyncIterator()
        #expect(await frames.next().map { String(decoding: $0, as: UTF8.self) }?.contains("could not keep up") == true)
        #expect(await frames.next() == nil)
        connection.close()
    }
}
