import Foundation
import Logging
import Synchronization
import Testing
@testable import TradewatchServer
import TradewatchTestSupport

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

    @Test func laterMetadataWinsAndKeysComeSorted() throws {
        let captured = Lines()
        var logger = Logger(label: "t") { label in
            JSONLogHandler(
                label: label, sink: LogSink { line in captured.lines.withLock { $0.append(line) } },
                metadataProvider: Logger.MetadataProvider { ["source": "provider", "zone": "p", "correlation_id": "from-provider"] })
        }
        logger[metadataKey: "source"] = "handler"
        logger[metadataKey: "alpha"] = "handler"
        logger.info("m", metadata: ["zone": "event", "beta": "event"])
        struct Failure: Error, CustomStringConvertible { var description: String { "boom" } }
        logger.log(level: .info, "m", error: Failure(), metadata: ["error": "event"])
        let lines = captured.all
        #expect(lines.count == 2)
        #expect(lines.first?.contains(
            #""correlation_id":"from-provider","metadata":{"alpha":"handler","beta":"event","source":"provider","zone":"event"}"#) == true,
            "\(lines.first ?? "")")
        // The error given with the event wins over an "error" key in its metadata.
        #expect(lines.last?.contains(#""error":"boom""#) == true, "\(lines.last ?? "")")
    }

    /// The access line written as bytes is the line the general path writes for the same request.
    @Test(arguments: [false, true])
    func directAccessLinesMatchTheGeneralPath(withKeyAndError: Bool) throws {
        let captured = Lines()
        let sink = LogSink { line in captured.lines.withLock { $0.append(line) } }
        var logger = Logger(label: "tradewatch") { label in JSONLogHandler(label: label, sink: sink) }
        logger[metadataKey: "correlation_id"] = "req-\"1\""
        logger[metadataKey: "hb.request.id"] = "0123abcd"
        logger[metadataKey: "status"] = "overridden by the line's own"
        let line = AccessLine(
            method: "GET", path: "/api/v1/metrics/latest", status: 429, bytes: 24_100, durationMilliseconds: "1.234",
            client: "127.0.0.1", error: withKeyAndError ? "too many \"requests\"" : nil,
            apiKeyID: withKeyAndError ? "k1" : nil, apiKeyName: withKeyAndError ? "ci" : nil)
        line.write(level: .warning, logger: logger, to: sink)
        var metadata: Logger.Metadata = [
            "method": "GET", "path": "/api/v1/metrics/latest", "status": .stringConvertible(429),
            "bytes": .stringConvertible(24_100), "duration_ms": "1.234", "client": "127.0.0.1",
        ]
        if withKeyAndError {
            metadata["error"] = "too many \"requests\""
            metadata["api_key_id"] = "k1"
            metadata["api_key"] = "ci"
        }
        logger.log(level: .warning, "request", metadata: metadata)
        let lines = captured.all
        #expect(lines.count == 2)
        // Everything after the timestamp is the same, byte for byte.
        let tails = lines.map { $0.drop { $0 != "," } }
        #expect(tails.first == tails.last, "\(lines)")
        #expect(lines.first?.contains(#""status":"429""#) == true)
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

@Suite struct LogOutputTests {
    @Test func controlCharactersAndUnicodeAreEscapedLikeEveryOtherJSONWriter() throws {
        let captured = JSONLogHandlerTests.Lines()
        let logger = Logger(label: "t") { label in
            JSONLogHandler(label: label, sink: LogSink { line in captured.lines.withLock { $0.append(line) } })
        }
        let message = "tab\there \u{01} bell\u{07} back\\slash café 📈"
        logger.info("\(message)", metadata: ["nested": ["b": "2", "a": ["x", "y"]]])
        let line = try #require(captured.all.first)
        #expect(line.contains(#"tab\there \u0001 bell\u0007 back\\slash café 📈"#))
        #expect(line.contains(#""metadata":{"nested":{"a":["x","y"],"b":"2"}}"#), "keys sorted, arrays kept: \(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == message)
    }

    @Test func durationsAreWrittenAsMillisecondsWithThreeDecimals() {
        #expect(QueryController.mayName("name=cpu&min_commit=5", "min_commit"))
        #expect(QueryController.mayName("min_commit=5", "min_commit"))
        #expect(QueryController.mayName("min_commit", "min_commit"))
        #expect(QueryController.mayName("name=cpu&min%5Fcommit=5", "min_commit"), "an escape could spell it")
        #expect(!QueryController.mayName("name=min_commit&x_min_commit=1&min_commit2=3", "min_commit"))
        #expect(!QueryController.mayName("", "min_commit"))
        #expect(RequestLoggingMiddleware.milliseconds(.microseconds(12_345)) == "12.345")
        #expect(RequestLoggingMiddleware.milliseconds(.nanoseconds(999)) == "0.000")
        #expect(RequestLoggingMiddleware.milliseconds(.microseconds(7)) == "0.007")
        #expect(RequestLoggingMiddleware.milliseconds(.seconds(2)) == "2000.000")
    }

    @Test func generatedRequestIdsAre32HexDigitsAndDiffer() {
        let ids = (0..<100).map { _ in RequestLoggingMiddleware.correlationID([:]) }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() })
    }

    /// Buffered lines reach the file in order, an urgent line takes everything before it along
    /// at once, and the flushing thread writes the rest without being asked.
    @Test func bufferedLinesArriveInOrderAndUrgentOnesAtOnce() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("out.log")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let output = BufferedOutput(descriptor: descriptor)
        for index in 0..<1_000 { output.write(Array("line \(index)\n".utf8), urgent: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8).isEmpty, "nothing written before a flush")
        output.write(Array("warning\n".utf8), urgent: true)
        let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(written == (0..<1_000).map { "line \($0)" } + ["warning"])

        output.startFlushing()
        output.write(Array("later\n".utf8), urgent: false)
        let deadline = ContinuousClock.now + .seconds(10)
        while try !String(contentsOfFile: path, encoding: .utf8).hasSuffix("later\n"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("warning\nlater\n"))
    }
}
