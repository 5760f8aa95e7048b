import Testing
import TradewatchCore
@testable import TradewatchLive

/// Pacing when the hub runs as a service: connections waiting for their next frame window are
/// woken by the hub's one tick instead of each sleeping on its own timer.
@Suite struct LiveHubTickTests {
    /// Runs `body` while `hub.run()` ticks on `clock`; stops the service afterwards.
    func whileRunning(_ hub: LiveHub, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { service in
            service.addTask { try await hub.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while !hub.pacer.isTicking, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
            #expect(hub.pacer.isTicking)
            try await body()
            service.cancelAll()
        }
    }

    /// A row that must wait for its window is sent by the tick when the window comes; with
    /// `afterIdling`, half a second with nobody waiting comes first, in which the hub does not
    /// tick at all (it used to tick 100 times).
    @Test(arguments: [false, true])
    func aPacedFrameIsSentByTheTickOnceItsWindowHasCome(afterIdling: Bool) async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxFramesPerSecond: 10), clock: clock)
        try await whileRunning(hub) {
            let connection = try hub.connect()
            try connection.subscribe(LiveSubscription(id: "s1", table: .trades))
            try await collecting(connection) { log in
                if afterIdling {
                    for _ in 0..<100 {
                        clock.advance(by: LivePacer.tick)
                        try await Task.sleep(for: .microseconds(100))
                    }
                    #expect(hub.pacer.ticks.load(ordering: .relaxed) == 0)
                }
                hub.publish(sequence: 1, batches: [tradesBatch([trade("1")])])
                try await log.waitUntil { $0.rows.count == 1 }
                hub.publish(sequence: 2, batches: [tradesBatch([trade("2")])])
                // The second row waits for its window, registered with the tick (no timer of its own).
                try await log.waitUntil { _ in hub.pacer.waitingCount == 1 }
                #expect(log.rows.count == 1)
                clock.advance(by: .milliseconds(100))
                try await log.waitUntil { $0.rows.count == 2 }
                #expect(log.objects(op: "rows").map { $0["commit"] as? Int } == [1, 2])
                #expect(hub.pacer.ticks.load(ordering: .relaxed) >= 1)
            }
        }
    }

    @Test func hundredCommitsInOneSecondAreCoalescedToTenFramesPerSecondWithEveryRow() async throws {
        let clock = ManualClock()
        let hub = LiveHub(configuration: LiveConfiguration(maxFramesPerSecond: 10), clock: clock)
        try await whileRunning(hub) { try await LiveHubPacingTests.hundredCommitsInOneSecond(hub, clock) }
    }
}
