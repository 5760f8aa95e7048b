import Logging
import MetricsTestKit
import Synchronization
import Testing
import TradewatchIngest

@Suite struct TimedTests {
    final class Captured: LogHandler, @unchecked Sendable {
        let messages = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            messages.withLock { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
        }
    }

    @Test func recordsEveryDurationAndWarnsOnlyWhenSlow() async throws {
        let metrics = TestMetrics()
        let handler = Captured()
        let logger = Logger(label: "test") { _ in handler }

        let fast = await timed("work.duration.seconds", slowerThan: .seconds(10), logger: logger, factory: metrics) { 42 }
        #expect(fast == 42)
        try await timed("work.duration.seconds", slowerThan: .milliseconds(5), logger: logger,
                        metadata: ["table": "trades"], factory: metrics) {
            try await Task.sleep(for: .milliseconds(30))
        }

        let timer = try metrics.expectTimer("work.duration.seconds")
        #expect(timer.values.count == 2)
        #expect(timer.values[1] >= 30_000_000)  // nanoseconds
        let logged = handler.messages.withLock { $0 }
        #expect(logged.count == 1)
        #expect(logged.first?.0 == .warning)
        #expect(logged.first?.1 == "slow operation")
        #expect(logged.first?.2["table"] == "trades")
        #expect(logged.first?.2["operation"] == "work.duration.seconds")
    }
}
