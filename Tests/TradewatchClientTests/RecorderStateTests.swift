import Testing
@testable import TradewatchClient

/// The buffer and its accounting, step by step: bounded, in order, nothing counted twice.
@Suite struct RecorderStateTests {
    private func trade(_ index: Int) -> Record { .trade(Trade(symbol: "S", price: Double(index), quantity: 1, timestamp: Int64(index))) }

    private func holds(_ statistics: TradewatchRecorder.Statistics) -> Bool {
        statistics.recorded == statistics.sent + statistics.rejected + statistics.abandoned + statistics.pending
    }

    @Test func aFullBufferDropsAndCountsInsteadOfGrowing() {
        var state = RecorderState()
        var wakes = 0
        for index in 0..<25 where state.enqueue(trade(index), capacity: 10, batchSize: 4) { wakes += 1 }
        #expect(state.statistics.recorded == 10)
        #expect(state.statistics.dropped == 15)
        #expect(state.statistics.pending == 10)
        #expect(state.buffer.count == 10)
        #expect(wakes == 1, "the sender is woken once, when the buffer reaches a batch")
        // Records being sent still count against the capacity.
        let (_, taken) = state.takePending(reservingCapacity: 4)
        #expect(taken.count == 10)
        let acceptedWhileSending = state.enqueue(trade(99), capacity: 10, batchSize: 4)
        #expect(!acceptedWhileSending)
        #expect(state.statistics.dropped == 16)
        state.delivered(10)
        #expect(state.statistics.pending == 0)
        _ = state.enqueue(trade(100), capacity: 10, batchSize: 4)
        #expect(state.statistics.recorded == 11)
        #expect(holds(state.statistics))
    }

    @Test func whatAnInterruptedSenderPutsBackGoesOutFirstAndOnce() {
        var state = RecorderState()
        for index in 0..<6 { _ = state.enqueue(trade(index), capacity: 100, batchSize: 100) }
        let (_, taken) = state.takePending(reservingCapacity: 0)
        let unsent = WriteRequest.requests(for: taken[2..<4], defaultService: nil)
        state.delivered(2)
        _ = state.enqueue(trade(6), capacity: 100, batchSize: 100)
        state.putBack(requests: unsent[...], records: taken[4...])
        let (requests, records) = state.takePending(reservingCapacity: 0)
        #expect(requests == unsent)
        #expect(records == [trade(4), trade(5), trade(6)])
        #expect(state.statistics.pending == 5)
        #expect(holds(state.statistics))
    }

    @Test func closingAbandonsWhatWaitsAndLaterRecordsAreDropped() {
        var state = RecorderState()
        for index in 0..<5 { _ = state.enqueue(trade(index), capacity: 100, batchSize: 100) }
        let (_, held) = state.takePending(reservingCapacity: 0)
        _ = state.enqueue(trade(5), capacity: 100, batchSize: 100)
        let (_, abandoned) = state.close()
        #expect(abandoned == 1, "records a sender holds are its to report")
        state.putBack(requests: [], records: held[...])
        #expect(state.statistics.abandoned == 6)
        #expect(state.statistics.pending == 0)
        _ = state.enqueue(trade(6), capacity: 100, batchSize: 100)
        #expect(state.statistics.dropped == 1)
        #expect(holds(state.statistics))
    }

    @Test func shutdownIsTakenOnByOneCaller() {
        var state = RecorderState()
        let first = state.beginShutdown()
        let second = state.beginShutdown()
        let loopStarted = state.startLoop()
        #expect(first == .closeHere)
        #expect(second == .waitForClose)
        #expect(!loopStarted, "run() after shutdown began returns at once")
        _ = state.close()
        let afterClose = state.beginShutdown()
        #expect(afterClose == .alreadyClosed)

        var running = RecorderState()
        let started = running.startLoop()
        let whileRunning = running.beginShutdown()
        #expect(started)
        #expect(whileRunning == .waitForClose, "the loop closes what it runs")
    }

    @Test func invalidRecordsAreReportedOnceWithTheFirstProblem() {
        var state = RecorderState()
        state.refuse("first")
        state.refuse("second")
        let firstReport = state.takeUnreported()
        let secondReport = state.takeUnreported()
        #expect(firstReport?.count == 2)
        #expect(firstReport?.firstProblem == "first")
        #expect(secondReport == nil)
        state.refuse("third")
        let thirdReport = state.takeUnreported()
        #expect(thirdReport?.firstProblem == "third")
        #expect(state.statistics.invalid == 3)
    }
}
