import Foundation
import Logging
import Synchronization
import Testing
import TradewatchServer

@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func oneJSONObjectPerLineWithCorrelationIdOnTop() throws {
        let captured = Lines()
        var logger = Logger(label: "tradewatch.test") { label in
            JSONLogHandler(label: label, sink: LogSink { line in captured.lines.withLock { $0.append(line) } })
        }
        logger[metadataKey: "correlation_id"] = "abc"
        logger.info("order \"filled\"\nnext line", metadata: ["order_id": "o-1", "qty": .stringConvertible(5)])
        logger.debug("not shown at info")

        let lines = captured.all
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false, "a message with a newline must stay on one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "tradewatch.test")
        #expect(object["message"] as? String == "order \"filled\"\nnext line")
        #expect(object["correlation_id"] as? String == "abc")
        let metadata = try #require(object["metadata"] as? [String: String])
        #expect(metadata == ["order_id": "o-1", "qty": "5"])
        let timestamp = try #require(object["ts"] as? String)
        #expect(timestamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression) != nil)
    }

    /// Code without the request's logger (a store, the writer, a library) logging inside the
    /// request's task still tags its lines with the request's correlation id.
    @Test func linesWrittenInsideARequestTaskCarryItsCorrelationId() async throws {
        let captured = Lines()
        let logger = Logger(label: "tradewatch.store") { label in
            JSONLogHandler(
                label: label, sink: LogSink { line in captured.lines.withLock { $0.append(line) } },
                metadataProvider: RequestCorrelation.metadataProvider)
        }
        await RequestCorrelation.$id.withValue("req-42") {
            await Task { logger.warning("slow checkpoint") }.value  // child work inherits it too
            logger.info("inside")
        }
        logger.info("outside any request")
        let objects = try captured.all.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["correlation_id"] as? String } == ["req-42", "req-42", nil])
    }
}
