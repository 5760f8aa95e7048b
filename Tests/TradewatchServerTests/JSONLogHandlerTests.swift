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
}
