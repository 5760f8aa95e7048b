import Logging
import MetricsTestKit
import Testing
import TradewatchIngest
import TradewatchTestSupport

@Suite struct TimedTests {
    @Test func recordsEveryDurationAndWarnsOnlyWhenSlow() async throws {
        let metrics = TestMetrics()
        let capture = LogCapture()
        let logger = capture.logger

        let fast = await timed("work.duration.seconds", slowerThan: .seconds(10), logger: logger, factory: metrics) { 42 }
        #expect(fast == 42)
        try await timed("work.duration.seconds", slowerThan: .milliseconds(5), logger: logger,
                        metadata: ["table": "trades"], factory: metrics) {
            try await Task.sleep(for: .milliseconds(30))
        }

        let timer = try metrics.expectTimer("work.duration.seconds")
        #expect(timer.values.count == 2)
        #expect(timer.values[1] >= 30_000_000)  // nanoseconds
        let logged = capture.entries
        #expect(logged.count == 1)
        #expect(logged.first?.level == .warning)
        #expect(logged.first?.message == "slow operation")
        #expect(logged.first?.metadata["table"] == "trades")
        #expect(logged.first?.metadata["operation"] == "work.duration.seconds")
    }
}
