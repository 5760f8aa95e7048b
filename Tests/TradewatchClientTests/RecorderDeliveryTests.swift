import Foundation
import Testing
@testable import TradewatchClient
import TradewatchTestSupport

/// The recorder against a scripted server: retries, rejections, the API key.
@Suite(.timeLimit(.minutes(2))) struct RecorderDeliveryTests {
    private static let quickRetries = TradewatchRecorder.RetryBackoff(base: .milliseconds(20), maximum: .milliseconds(200))

    private func tradeIDs(_ lines: [String]) throws -> [String] {
        try lines.filter { $0.hasPrefix("trades,") }.flatMap { try ParsedLine.parse(Array($0.utf8)) }.compactMap { $0.tags["trade_id"] }
    }

    @Test func aServerAnswering503And429BeforeStoringGetsEverythingExactlyOnce() async throws {
        let script: [ScriptedServer.Answer] = [
            .init(status: 503, retryAfter: 1, body: #"{"code":"unavailable","message":"ingest queue full"}"#),
            .init(status: 503, retryAfter: 1),
            .init(status: 429),
        ]
        try await ScriptedServer.withServer(script: script) { url, server in
            let recorder = TradewatchRecorder(
                configuration: .init(
                    baseURL: url, apiKey: "tw_secret", batchSize: 10_000, flushInterval: .milliseconds(50),
                    retryBackoff: Self.quickRetries))
            // Recorded before the loop starts, so that they travel as one batch.
            for index in 0..<500 {
                recorder.record(trade: Trade(symbol: "AAPL", price: 187, quantity: 1, tradeID: "t-\(index)", timestamp: Int64(index)))
            }
            recorder.log(.error, "Traceback:\n  at line 3", correlationID: "c-1")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await recorder.run() }
                await recorder.flush()
                await recorder.shutdown()
                try await group.waitForAll()
            }

            let received = server.received
            #expect(received.map(\.status) == [503, 503, 429, 204, 204])
            #expect(received.map(\.path) == Array(repeating: "/api/v2/write?precision=ns", count: 4) + ["/api/v1/logs"])
            #expect(Set(received.prefix(4).map(\.body)).count == 1, "the same batch is retried unchanged")
            #expect(received.allSatisfy { $0.authorization == "Token tw_secret" })
            // Retry-After: 1 is honoured (the backoff alone waits at most 200 ms).
            #expect(received[1].at - received[0].at >= .milliseconds(990))
            #expect(received[2].at - received[1].at >= .milliseconds(990))

            let stored = try tradeIDs(server.storedLines)
            #expect(stored.count == 500)
            #expect(Set(stored) == Set((0..<500).map { "t-\($0)" }))
            #expect(server.storedLines.last?.contains(#""message":"Traceback:\n  at line 3""#) == true)
            let statistics = recorder.statistics
            #expect(statistics.sent == 501)
            #expect(statistics.failedAttempts == 3)
            #expect(statistics.pending == 0)
            #expect(statistics.rejected == 0 && statistics.dropped == 0 && statistics.abandoned == 0)
        }
    }

    @Test func a400DropsThatBatchWithTheServersMessageAndTheNextOneIsSent() async throws {
        let refusal = #"{"code":"invalid","message":"line 1, column 9: bad things"}"#
        try await ScriptedServer.withServer(script: [.init(status: 400, body: refusal)]) { url, server in
            let capture = LogCapture()
            let recorder = TradewatchRecorder(
                configuration: .init(baseURL: url, retryBackoff: Self.quickRetries), logger: capture.logger)
            for index in 0..<10 { recorder.record(trade: Trade(symbol: "A", price: 1, quantity: 1, tradeID: "first-\(index)")) }
            await recorder.flush()
            for index in 0..<5 { recorder.record(trade: Trade(symbol: "A", price: 1, quantity: 1, tradeID: "second-\(index)")) }
            await recorder.flush()
            await recorder.shutdown()

            #expect(server.received.map(\.status) == [400, 204], "a 400 is not retried")
            let stored = try tradeIDs(server.storedLines)
            #expect(stored == (0..<5).map { "second-\($0)" })
            let statistics = recorder.statistics
            #expect(statistics.rejected == 10)
            #expect(statistics.sent == 5)
            #expect(statistics.failedAttempts == 0)
            let report = capture.entries.first { $0.level == .error }
            #expect(report?.metadata["message"] == refusal)
            #expect(report?.metadata["status"] == "400")
            #expect(report?.metadata["records"] == "10")
        }
    }

    @Test func invalidRecordsAreCountedAndReportedNotSent() async throws {
        try await ScriptedServer.withServer { url, server in
            let capture = LogCapture()
            let recorder = TradewatchRecorder(configuration: .init(baseURL: url), logger: capture.logger)
            recorder.record(metric: Metric(name: "edge", value: .nan))
            recorder.record(metric: Metric(name: "edge", value: .infinity))
            recorder.record(metric: Metric(name: "edge", value: 1.5))
            await recorder.flush()
            await recorder.shutdown()

            #expect(server.storedLines.count == 1)
            #expect(server.storedLines.first?.hasPrefix("edge value=1.5 ") == true)
            #expect(recorder.statistics.invalid == 2)
            #expect(recorder.statistics.recorded == 1)
            let warning = capture.entries.first { $0.message.contains("invalid") }
            #expect(warning?.metadata["count"] == "2")
            #expect(warning?.metadata["first"] == "metric edge value must be a finite number, got nan")
        }
    }
}
