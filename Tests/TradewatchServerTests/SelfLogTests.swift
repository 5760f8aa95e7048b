import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
import TradewatchCore
import TradewatchServer
import TradewatchStorage
import TradewatchTestSupport

@Suite(.serialized, .timeLimit(.minutes(3))) struct SelfLogTests {
    @Test func bufferIsBoundedAndSaysWhatItDropped() throws {
        let buffer = SelfLogBuffer(capacity: 3)
        var logger = Logger(label: "tradewatch.test") { label in SelfLogHandler(label: label, buffer: buffer) }
        logger[metadataKey: "correlation_id"] = "abc"
        for index in 0..<5 { logger.info("event \(index)", metadata: ["n": "\(index)"]) }
        let batch = try #require(buffer.drain())
        #expect(batch.rowCount == 4)
        #expect((0..<3).map { batch.value(row: $0, column: 3) } == [.text("event 0"), .text("event 1"), .text("event 2")])
        #expect(batch.value(row: 0, column: 2) == .text("tradewatch"))
        #expect(batch.value(row: 0, column: 4) == .text("abc"))
        #expect(batch.value(row: 3, column: 3) == .text("2 log records were not stored: more than 3 in one second"))
        #expect(buffer.drain() == nil)
    }

    @Test func serverStoresItsOwnLogLinesWhenAsked() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data, "--self-logs"])
        let base = try await server.waitUntilListening()
        var request = URLRequest(url: base.appendingPathComponent("health"))
        request.setValue("self-log-1", forHTTPHeaderField: "X-Request-ID")
        _ = try await URLSession.shared.data(for: request)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        let stores = try Stores(dataDirectory: data)
        let rows = try await stores.analytics.read { connection in
            try connection.query(
                "SELECT service, level, message FROM logs WHERE correlation_id = 'self-log-1'"
            ).rows()
        }
        await stores.close(logger: .init(label: "test"))
        #expect(rows == [[.string("tradewatch"), .string("info"), .string("request")]])
    }
}
