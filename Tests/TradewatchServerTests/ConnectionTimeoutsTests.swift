import NIOCore
import Testing

@testable import TradewatchServer

/// The idle and read clocks of one connection, at instants the test chooses.
@Suite struct ConnectionTimeoutsTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        #expect(timeouts.connected(now: start) == .schedule(at(30)))
        #expect(timeouts.timerFired(now: at(30)) == .closeIdle)
    }

    @Test func aTrickledRequestIsCutAtTheReadTimeoutCountedFromItsFirstByte() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        #expect(timeouts.bytesReceived(now: at(1)) == .schedule(at(11)))
        // More bytes do not move the deadline.
        for second in 2...10 { #expect(timeouts.bytesReceived(now: at(Int64(second))) == .none) }
        #expect(timeouts.timerFired(now: at(11)) == .closeReadTimeout(answer: true))
    }

    @Test func aRequestReadInTimeIsAnsweredWithoutAClockThenIdleStartsAgain() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        _ = timeouts.bytesReceived(now: at(1))
        timeouts.requestHeadParsed()
        #expect(timeouts.requestEnded(now: at(2)) == .cancelTimer)
        timeouts.responseStarted()
        // A slow answer (a long query, a big export) is not timed.
        #expect(timeouts.timerFired(now: at(500)) == .none)
        #expect(timeouts.responseEnded(now: at(600)) == .schedule(at(630)))
        #expect(timeouts.timerFired(now: at(630)) == .closeIdle)
    }

    @Test func aReadTimeoutWhileAnsweringClosesWithoutA408() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        _ = timeouts.bytesReceived(now: at(1))
        timeouts.requestHeadParsed()
        _ = timeouts.requestEnded(now: at(1))
        timeouts.responseStarted()
        // The next request (pipelined) trickles in while the first is answered.
        #expect(timeouts.bytesReceived(now: at(2)) == .schedule(at(12)))
        #expect(timeouts.timerFired(now: at(12)) == .closeReadTimeout(answer: false))
    }

    @Test func aSlowBodyAfterItsHeadIsAnswered408() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        _ = timeouts.bytesReceived(now: at(1))
        timeouts.requestHeadParsed()
        #expect(timeouts.timerFired(now: at(11)) == .closeReadTimeout(answer: true))
    }

    @Test func anAnswerSentBeforeTheBodyIsReadStartsTheIdleClockOnceTheBodyEnds() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        _ = timeouts.bytesReceived(now: at(1))
        timeouts.requestHeadParsed()
        // A refusal (401, 429) is written before the body has been read.
        timeouts.responseStarted()
        #expect(timeouts.responseEnded(now: at(2)) == .none)
        #expect(timeouts.requestEnded(now: at(3)) == .schedule(at(33)))
        #expect(timeouts.timerFired(now: at(33)) == .closeIdle)
    }

    @Test func anEarlyTimerIsRescheduledToTheRealDeadline() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        _ = timeouts.bytesReceived(now: at(5))
        #expect(timeouts.timerFired(now: at(6)) == .schedule(at(15)))
    }

    @Test func anUpgradedConnectionIsNeverTimed() {
        var timeouts = ConnectionTimeouts(idleTimeout: .seconds(30), readTimeout: .seconds(10))
        _ = timeouts.connected(now: start)
        _ = timeouts.bytesReceived(now: at(1))
        #expect(timeouts.upgrading() == .cancelTimer)
        #expect(timeouts.bytesReceived(now: at(2)) == .none)
        #expect(timeouts.timerFired(now: at(1000)) == .none)
        #expect(timeouts.responseEnded(now: at(1000)) == .none)
    }
}
