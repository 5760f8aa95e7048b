import Testing
@testable import TradewatchLive

@Suite struct LiveOutboxStateMachineTests {
    typealias Machine = LiveOutbox.StateMachine

    func machine(maxBufferedRows: Int = 100, stuckTimeout: Duration = .seconds(30)) throws -> Machine {
        var machine = Machine(configuration: LiveConfiguration(
            maxFramesPerSecond: 10, maxBufferedRows: maxBufferedRows, stuckTimeout: stuckTimeout))
        try machine.subscribe(id: "s1", holding: false, candles: nil)
        return machine
    }

    func rows(_ names: String...) -> LiveRows { LiveRows(names.map { Array($0.utf8) }) }

    @Test func aSubscriptionSendsAtMostOneFramePerIntervalAndCoalescesTheRest() throws {
        var machine = try machine()
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a"), now: .zero)
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "s1", commit: 1, rows: rows("a"))))
        _ = machine.append(subscription: "s1", commit: 2, rows: rows("b"), now: .milliseconds(10))
        #expect(machine.next(now: .milliseconds(10)) == .wait(until: .milliseconds(100)))
        _ = machine.append(subscription: "s1", commit: 3, rows: rows("c", "d"), now: .milliseconds(50))
        #expect(machine.next(now: .milliseconds(99)) == .wait(until: .milliseconds(100)))
        #expect(machine.next(now: .milliseconds(100)) == .emit(.rows(subscription: "s1", commit: 3, rows: rows("b", "c", "d"))))
        #expect(machine.next(now: .milliseconds(100)) == .wait(until: nil))
        #expect(machine.buffered == 0)
    }

    @Test func aSentFrameSealsPendingRowsSoLaterRowsGoBehindIt() throws {
        var machine = try machine()
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a"), now: .zero)
        _ = machine.send(Array("X".utf8), now: .zero)
        _ = machine.append(subscription: "s1", commit: 2, rows: rows("b"), now: .zero)
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "s1", commit: 1, rows: rows("a"))))
        #expect(machine.next(now: .zero) == .emit(.frame(Array("X".utf8))))
        #expect(machine.next(now: .zero) == .wait(until: .milliseconds(100)))
        #expect(machine.next(now: .seconds(1)) == .emit(.rows(subscription: "s1", commit: 2, rows: rows("b"))))
    }

    @Test func rowsBehindAPacedFrameLeaveTheConsumerAsleepButDroppedRowsWakeIt() throws {
        var machine = try machine(maxBufferedRows: 3)
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a"), now: .zero)
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "s1", commit: 1, rows: rows("a"))))
        #expect(machine.append(subscription: "s1", commit: 2, rows: rows("b"), now: .milliseconds(10)).wake)
        #expect(machine.next(now: .milliseconds(10)) == .wait(until: .milliseconds(100)))
        // The consumer already waits until 100 ms; nothing queued before then can go out sooner.
        #expect(machine.append(subscription: "s1", commit: 3, rows: rows("c"), now: .milliseconds(20)).wake == false)
        let overflow = machine.append(subscription: "s1", commit: 4, rows: rows("d", "e"), now: .milliseconds(30))
        #expect(overflow.wake && overflow.dropped == 1)
        #expect(machine.next(now: .milliseconds(30)) == .emit(.lagged(subscription: "s1", dropped: 1)))
        #expect(machine.next(now: .milliseconds(30)) == .wait(until: .milliseconds(100)))
        #expect(machine.next(now: .milliseconds(100)) == .emit(.rows(subscription: "s1", commit: 4, rows: rows("c", "d", "e"))))
        // With nothing queued the consumer waits for rows, not a deadline: the next ones wake it.
        #expect(machine.next(now: .milliseconds(100)) == .wait(until: nil))
        #expect(machine.append(subscription: "s1", commit: 5, rows: rows("f"), now: .milliseconds(120)).wake)
    }

    @Test func aFrameWhoseNewestRowsAreOldWaitsForTheCommitDueAndMovesItsScheduleBehindIt() throws {
        var machine = try machine()
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a"), now: .zero)
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "s1", commit: 1, rows: rows("a"))))
        _ = machine.append(subscription: "s1", commit: 2, rows: rows("b"), now: .milliseconds(50))
        #expect(machine.next(now: .milliseconds(50)) == .wait(until: .milliseconds(100)))
        // Commits every 50 ms: "b" is 50 ms old and the next commit is due at 100 ms, so the frame
        // waits for it (until a quarter of a gap past due at most)…
        #expect(machine.next(now: .milliseconds(100)) == .wait(until: .microseconds(112_500)))
        // …and leaves as soon as it arrives, with it: no commit waits a whole interval.
        #expect(machine.append(subscription: "s1", commit: 3, rows: rows("c"), now: .milliseconds(104)).wake)
        #expect(machine.next(now: .milliseconds(104)) == .emit(.rows(subscription: "s1", commit: 3, rows: rows("b", "c"))))
        // The schedule moved behind that commit: the next window opens at 204 ms, not 200 ms.
        _ = machine.append(subscription: "s1", commit: 4, rows: rows("d"), now: .milliseconds(154))
        #expect(machine.next(now: .milliseconds(154)) == .wait(until: .milliseconds(204)))
        // The next commit is due at 204 ms (the median gap, 50 ms); it does not come, so the
        // frame goes when the wait ends (a quarter of a gap past due), and waits only once.
        #expect(machine.next(now: .milliseconds(204)) == .wait(until: .microseconds(216_500)))
        #expect(machine.next(now: .microseconds(216_500)) == .emit(.rows(subscription: "s1", commit: 4, rows: rows("d"))))
        // A first row after a quiet spell goes at once.
        _ = machine.append(subscription: "s1", commit: 5, rows: rows("e"), now: .seconds(5))
        #expect(machine.next(now: .seconds(5)) == .emit(.rows(subscription: "s1", commit: 5, rows: rows("e"))))
    }

    @Test func aFrameRightBehindACommitDoesNotWait() throws {
        var machine = try machine()
        for (commit, at) in [(1, 0), (2, 50)] {
            _ = machine.append(subscription: "s1", commit: Int64(commit), rows: rows("r\(commit)"), now: .milliseconds(at))
        }
        #expect(machine.next(now: .milliseconds(50)) == .emit(.rows(subscription: "s1", commit: 2, rows: rows("r1", "r2"))))
        _ = machine.append(subscription: "s1", commit: 3, rows: rows("r3"), now: .milliseconds(100))
        _ = machine.append(subscription: "s1", commit: 4, rows: rows("r4"), now: .milliseconds(148))
        // The window opens at 150 ms with rows 2 ms old: they go at once, nothing to wait for.
        #expect(machine.next(now: .milliseconds(150)) == .emit(.rows(subscription: "s1", commit: 4, rows: rows("r3", "r4"))))
    }

    @Test func framesKeepTheirScheduleAndTheCapIsKeptOnIt() throws {
        var machine = try machine()
        // A commit every 100 ms, from the third on 50 ms before each window; each frame leaves 3 ms after its window
        // opens (the tick), and the frame of window 30 leaves 90 ms late (a busy consumer).
        var sent: [Duration] = []
        for window in 0..<50 {
            let arrival = Duration.milliseconds(window < 2 ? 50 + window * 100 : window * 100)
            _ = machine.append(subscription: "s1", commit: Int64(window), rows: rows("r\(window)"), now: arrival)
            var now = arrival
            var action = machine.next(now: arrival)
            if case .wait(let until?) = action {
                now = until + .milliseconds(window == 30 ? 90 : 3)
                action = machine.next(now: now)
            }
            #expect(action == .emit(.rows(subscription: "s1", commit: Int64(window), rows: rows("r\(window)"))))
            sent.append(now)
        }
        // The cap is kept on the schedule: the windows (when each frame left, less its delay) of
        // any 10 frames apart span at least a second…
        let delays = (0..<50).map { Duration.milliseconds($0 == 30 ? 90 : $0 < 2 ? 0 : 3) }
        for index in 10..<50 {
            #expect(
                (sent[index] - delays[index]) - (sent[index - 10] - delays[index - 10]) >= .seconds(1),
                "windows of frames \(index - 10) and \(index) within one second")
        }
        // …so the 3 ms delays never add up, frame after frame (frame 29 would leave 87 ms late), and
        // the frame after the late one goes on its own window again.
        #expect(sent[29] == .milliseconds(2_953))
        #expect(sent[31] == .milliseconds(3_153))
        #expect(sent[49] - sent[45] == .milliseconds(400))
    }

    @Test func overflowDropsTheOldestRowsAndReportsThemAsLagged() throws {
        var machine = try machine(maxBufferedRows: 3)
        try machine.subscribe(id: "s2", holding: false, candles: nil)
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a", "b"), now: .zero)
        let outcome = machine.append(subscription: "s2", commit: 1, rows: rows("c", "d", "e"), now: .zero)
        #expect(outcome.dropped == 2)
        #expect(machine.buffered == 3)
        #expect(machine.next(now: .zero) == .emit(.lagged(subscription: "s1", dropped: 2)))
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "s2", commit: 1, rows: rows("c", "d", "e"))))
    }

    @Test func aClientFullAndUnreadForTheTimeoutIsDisconnected() throws {
        var machine = try machine(maxBufferedRows: 1)
        #expect(machine.append(subscription: "s1", commit: 1, rows: rows("a", "b"), now: .zero).disconnected == false)
        #expect(machine.checkStuck(now: .seconds(29)) == false)
        let outcome = machine.append(subscription: "s1", commit: 2, rows: rows("c"), now: .seconds(30))
        #expect(outcome.disconnected)
        guard case .emit(.frame(let farewell)) = machine.next(now: .seconds(30)) else {
            Issue.record("expected the farewell frame")
            return
        }
        #expect(String(decoding: farewell, as: UTF8.self)
            == #"{"op":"error","message":"live connection disconnected: could not keep up for 30 s"}"#)
        #expect(machine.next(now: .seconds(30)) == .finish)
        #expect(machine.append(subscription: "s1", commit: 3, rows: rows("d"), now: .seconds(31)) == .init())
    }

    @Test func aFittingAppendOrATakenFrameClearsTheFullState() throws {
        var machine = try machine(maxBufferedRows: 2)
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a", "b", "c"), now: .zero)
        _ = machine.next(now: .seconds(10))  // lagged: the client reads
        #expect(machine.append(subscription: "s1", commit: 2, rows: rows("d"), now: .seconds(40)).disconnected == false)
        #expect(machine.checkStuck(now: .seconds(69)) == false)
        let stuck = machine.checkStuck(now: .seconds(70))
        #expect(stuck)
    }

    @Test func heldRowsAreReleasedAfterTheReplayBoundary() throws {
        var machine = try machine()
        try machine.subscribe(id: "h", holding: true, candles: nil)
        for commit in Int64(1)...4 {
            #expect(machine.append(subscription: "h", commit: commit, rows: rows("r\(commit)"), now: .zero).wake == false)
        }
        #expect(machine.next(now: .zero) == .wait(until: nil))
        _ = machine.releaseHold(id: "h", replayedThrough: 2, now: .zero)
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "h", commit: 4, rows: rows("r3", "r4"))))
    }

    @Test func aFullHoldDropsItsOldestAndReportsThoseAfterTheBoundary() throws {
        var machine = try machine(maxBufferedRows: 2)
        try machine.subscribe(id: "h", holding: true, candles: nil)
        for commit in Int64(1)...4 { _ = machine.append(subscription: "h", commit: commit, rows: rows("r\(commit)"), now: .zero) }
        _ = machine.releaseHold(id: "h", replayedThrough: 1, now: .zero)
        #expect(machine.next(now: .zero) == .emit(.lagged(subscription: "h", dropped: 2)))
        #expect(machine.next(now: .zero) == .emit(.rows(subscription: "h", commit: 4, rows: rows("r3", "r4"))))
    }

    @Test func unsubscribingDropsWhatWasQueued() throws {
        var machine = try machine()
        _ = machine.append(subscription: "s1", commit: 1, rows: rows("a", "b"), now: .zero)
        try machine.unsubscribe(id: "s1")
        #expect(machine.buffered == 0)
        #expect(machine.next(now: .zero) == .wait(until: nil))
        #expect(throws: LiveError("no subscription with id 's1'")) { try machine.unsubscribe(id: "s1") }
    }

    @Test func candleVersionsOfOneBarAreCoalesced() throws {
        var machine = try machine()
        try machine.subscribe(id: "c", holding: false, candles: LiveCandleBuilder(symbol: "X", interval: 60_000_000_000))
        _ = machine.append(subscription: "c", commit: 1, trades: [LiveTrade(timestamp: 0, price: 1, quantity: 1)], now: .zero)
        _ = machine.next(now: .zero)
        _ = machine.append(subscription: "c", commit: 2, trades: [LiveTrade(timestamp: 1, price: 2, quantity: 1)], now: .zero)
        _ = machine.append(subscription: "c", commit: 3, trades: [LiveTrade(timestamp: 2, price: 3, quantity: 1)], now: .zero)
        guard case .emit(.candle(_, _, let update)) = machine.next(now: .seconds(1)) else {
            Issue.record("expected a candle")
            return
        }
        #expect(update.bar.tradeCount == 3 && update.bar.commit == 3 && update.bar.close == 3)
        #expect(machine.next(now: .seconds(1)) == .wait(until: .nanoseconds(59_999_999_998)))
    }
}
