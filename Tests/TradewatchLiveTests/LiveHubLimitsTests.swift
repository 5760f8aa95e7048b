import Testing
import TradewatchCore
@testable import TradewatchLive

@Suite struct LiveHubLimitsTests {
    @Test func connectionsBeyondTheLimitAreRefused() throws {
        let hub = LiveHub(configuration: LiveConfiguration(maxConnections: 2))
        let first = try hub.connect()
        let second = try hub.connect()
        #expect(throws: LiveError("too many live connections (limit 2)")) { try hub.connect() }
        first.close()
        let third = try hub.connect()
        #expect(hub.statistics.clients == 2)
        second.close()
        third.close()
    }

    @Test func subscriptionsAreCheckedWithClearMessages() throws {
        let hub = LiveHub(configuration: LiveConfiguration(maxSubscriptionsPerConnection: 2))
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "a", table: .trades))
        #expect(throws: LiveError("subscription 'a' already exists")) {
            try connection.subscribe(LiveSubscription(id: "a", table: .logs))
        }
        try connection.subscribe(LiveSubscription(id: "b", table: .logs))
        #expect(throws: LiveError("too many subscriptions on this connection (limit 2)")) {
            try connection.subscribe(LiveSubscription(id: "c", table: .metrics))
        }
        try connection.unsubscribe(id: "b")
        #expect(throws: LiveError("no subscription with id 'b'")) { try connection.unsubscribe(id: "b") }
        #expect(throws: LiveError("subscription 'c': table trades has no column 'sector' to filter on")) {
            try connection.subscribe(LiveSubscription(id: "c", table: .trades, filter: LiveFilter(["sector": ["x"]])))
        }
        #expect(throws: LiveError("subscription 'c': column 'price' is not text; only text columns can be filtered")) {
            try connection.subscribe(LiveSubscription(id: "c", table: .trades, filter: LiveFilter(["price": ["1"]])))
        }
        #expect(throws: LiveError("candles subscription 'c' needs an interval")) {
            try connection.subscribe(LiveSubscription(id: "c", table: .candles, filter: LiveFilter(["symbol": ["AAPL"]])))
        }
        #expect(throws: LiveError("candles subscription 'c' needs exactly one symbol")) {
            try connection.subscribe(LiveSubscription(id: "c", table: .candles, interval: 60_000_000_000))
        }
        #expect(throws: LiveError("subscription 'c': an interval applies to candles subscriptions only")) {
            try connection.subscribe(LiveSubscription(id: "c", table: .trades, interval: 60_000_000_000))
        }
        #expect(hub.statistics.subscriptions == 1)
        connection.close()
    }

    @Test func anUnsubscribedSubscriptionGetsNothingMore() async throws {
        let clock = ManualClock()
        let hub = LiveHub(clock: clock)
        let connection = try hub.connect()
        try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
        try connection.subscribe(LiveSubscription(id: "s2", table: .trades))
        try await collecting(connection) { log in
            hub.publish(sequence: 1, batches: [tradesBatch([trade("1")])])
            try await log.waitUntil { $0.rows.count == 2 }
            hub.publish(sequence: 2, batches: [tradesBatch([trade("2")])])  // pending for both
            try connection.unsubscribe(id: "s1")
            hub.publish(sequence: 3, batches: [tradesBatch([trade("3")])])
            clock.advance(by: .seconds(1))
            try await log.waitUntil { $0.rows.count == 4 }
            let s1 = log.objects(op: "rows").filter { $0["id"] as? String == "s1" }
            #expect(s1.count == 1)
            #expect(hub.statistics.subscriptions == 1)
        }
    }

    @Test func shutdownFinishesEveryStreamAndRefusesNewClients() async throws {
        let hub = LiveHub()
        let first = try hub.connect()
        let second = try hub.connect()
        try first.subscribe(LiveSubscription(id: "s1", table: .trades))
        await withTaskGroup(of: Void.self) { group in
            for connection in [first, second] {
                group.addTask { for await _ in connection.frames {} }
            }
            try? await Task.sleep(for: .milliseconds(10))
            hub.shutdown()
            await group.waitForAll()
        }
        #expect(throws: LiveError("the live stream is shutting down")) { try hub.connect() }
        #expect(hub.statistics.clients == 0)
        #expect(hub.statistics.subscriptions == 0)
    }

    @Test func theServiceEndsEveryConnectionWhenItStops() async throws {
        let hub = LiveHub(clock: ManualClock())
        let connection = try hub.connect()
        try await withThrowingTaskGroup(of: Void.self) { consumer in
            consumer.addTask { for await _ in connection.frames {} }
            try await withThrowingTaskGroup(of: Void.self) { service in
                service.addTask { try await hub.run() }
                try await Task.sleep(for: .milliseconds(10))
                service.cancelAll()
            }
            // Returns only because run() ended the connection on its way out.
            try await consumer.waitForAll()
        }
        #expect(hub.statistics.clients == 0)
    }
}
