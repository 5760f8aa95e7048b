import Logging
import ServiceLifecycle
import Testing
import TradewatchCore
import TradewatchQuery
import TradewatchStorage
import TradewatchTestSupport

/// The feed folds commits into the bars beside the writer, in order, once each.
@Suite struct MinuteBarsFeedTests {
    static let start = MinuteBarsTests.start
    static let minute = MinuteBarsTests.minute

    @Test func commitsAreFoldedInOrderOnceEachAndAnOverflowMakesTheBarsReadAgain() async throws {
        let folder = try TemporaryDirectory()
        let store = try AnalyticsStore(path: folder.path("bars.duckdb"), configuration: .init(readConnections: 1))
        defer { store.close(); withExtendedLifetime(folder) {} }
        let clock = ManualClock(Self.start + 60 * Self.minute)
        let bars = MinuteBars(wallClock: clock.read)
        try await bars.load(from: store)
        let feed = MinuteBarsFeed(bars: bars, maxQueuedRows: 10, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [feed], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let minute = Self.start + 30 * Self.minute
            for sequence in 1...5 {
                let batch = trades([(minute + Int64(sequence), "BTC", "X", Double(sequence), 1)])
                try await store.commit([batch], sequence: Int64(sequence))
                feed.submit(sequence: Int64(sequence), batches: [batch])
            }
            let range = minute..<(minute + Self.minute)
            let folded = try await Self.waitForCovered(bars, range: range, through: 5)
            #expect(folded.map(\.tradeCount) == [5], "each commit folded once")
            #expect(folded.map(\.close) == [5] && folded.map(\.open) == [1], "in commit order")
            // A commit of other tables only still moves the bars to its sequence: requests that
            // saw it acknowledged must not wait for it in vain.
            var metric = RowValues(table: .metrics)
            metric.timestamp = minute
            if case .text(let slot) = metric.slots[AnalyticsTable.metrics.columnIndex("name")!] { metric.texts[slot] = "cpu" }
            if case .double(let slot) = metric.slots[AnalyticsTable.metrics.columnIndex("value")!] { metric.doubles[slot] = 1 }
            var metrics = ColumnarBatch(table: .metrics)
            metrics.append(metric)
            feed.submit(sequence: 6, batches: [metrics])
            #expect(try await Self.waitForCovered(bars, range: range, through: 6).map(\.tradeCount) == [5])
            // A commit already folded, handed over again (a reload raced the queue), changes nothing.
            bars.record(sequence: 3, batches: [trades([(minute + 3, "BTC", "X", 3, 1)])])
            #expect(try await Self.waitForCovered(bars, range: range, through: 5).map(\.tradeCount) == [5])

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()

            // More than ten rows queued (a feed whose task is not running, so nothing drains):
            // the queue is dropped and the bars marked stale until read again.
            let stalled = MinuteBarsFeed(bars: bars, maxQueuedRows: 10, logger: Logger(label: "test"))
            let first = trades((0..<6).map { (minute + Int64($0), "BTC", "X", 1.0, 1.0) })
            let second = trades((0..<5).map { (minute + Int64($0), "BTC", "X", 1.0, 1.0) })
            try await store.commit([first], sequence: 7)
            try await store.commit([second], sequence: 8)
            stalled.submit(sequence: 7, batches: [first])
            #expect(stalled.overflows == 0)
            stalled.submit(sequence: 8, batches: [second])
            #expect(stalled.overflows == 1)
            guard case .notCovered("stale") = bars.lookup(symbol: "BTC", range: range, interval: "1m", appliedThrough: 8) else {
                Issue.record("bars that missed commits must not answer")
                return
            }
            try await bars.reloadIfStale(from: store)
            #expect(try await Self.waitForCovered(bars, range: range, through: 8).map(\.tradeCount) == [16])
        }
    }

    static func waitForCovered(_ bars: MinuteBars, range: Range<Int64>, through sequence: Int64) async throws -> [MinuteBar] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if case .covered(let found) = bars.lookup(symbol: "BTC", range: range, interval: "1m", appliedThrough: sequence) {
                return found
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("commits through \(sequence) were not folded within 10 s")
        return []
    }
}
