import Testing
import TradewatchCore

/// A copy of one parsed line that outlives the callback, so tests can compare whole lines.
struct LineProtocolSnapshot: Equatable, CustomStringConvertible {
    var lineNumber: Int
    var measurement: String
    var tags: [String]  // "key=value", unescaped
    var fields: [String: LineFieldValue]
    var fieldOrder: [String]
    var timestamp: Int64
    var hasTimestamp: Bool

    init(_ line: borrowing LineView) {
        lineNumber = line.lineNumber
        measurement = line.string(line.measurement)
        tags = (0..<line.tagCount).map { "\(line.string(line.tagKey($0)))=\(line.string(line.tagValue($0)))" }
        fields = [:]
        fieldOrder = []
        for index in 0..<line.fieldCount {
            let key = line.string(line.fieldKey(index))
            fields[key] = line.fieldValue(index)
            fieldOrder.append(key)
        }
        timestamp = line.timestamp
        hasTimestamp = line.hasTimestamp
    }

    var description: String {
        "\(lineNumber): \(measurement) \(tags) \(fieldOrder.map { "\($0)=\(fields[$0]!)" }) \(timestamp)"
    }
}

let lineProtocolDefaultTimestamp: Int64 = 1_767_225_600_000_000_000

func parseLineProtocol(
    _ text: String, precision: TimestampPrecision = .nanoseconds
) throws -> [LineProtocolSnapshot] {
    var lines: [LineProtocolSnapshot] = []
    let parser = LineProtocolParser(precision: precision, defaultTimestamp: lineProtocolDefaultTimestamp)
    try parser.parse(text) { lines.append(LineProtocolSnapshot($0)) }
    return lines
}

func parseSingleLine(_ text: String, precision: TimestampPrecision = .nanoseconds) throws -> LineProtocolSnapshot {
    let lines = try parseLineProtocol(text, precision: precision)
    try #require(lines.count == 1)
    return lines[0]
}

/// The error parsing `text` throws, or nil when it parses.
func lineProtocolError(_ text: String, precision: TimestampPrecision = .nanoseconds) -> LineProtocolError? {
    do {
        _ = try parseLineProtocol(text, precision: precision)
        return nil
    } catch let error as LineProtocolError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite struct LineProtocolParserTests {
    @Test func parsesACompleteLine() throws {
        let line = try parseSingleLine(
            #"trades,symbol=SYM123,venue=XNAS,side=buy price=187.25,qty=100i,trade_id="t000123" 1767225600000000123"#
        )
        #expect(line.lineNumber == 1)
        #expect(line.measurement == "trades")
        #expect(line.tags == ["symbol=SYM123", "venue=XNAS", "side=buy"])
        #expect(line.fieldOrder == ["price", "qty", "trade_id"])
        #expect(line.fields == ["price": .float(187.25), "qty": .integer(100), "trade_id": .string("t000123")])
        #expect(line.timestamp == 1_767_225_600_000_000_123)
        #expect(line.hasTimestamp)
    }

    @Test func lineWithoutTagsOrTimestampGetsTheDefaultTimestamp() throws {
        let line = try parseSingleLine("cpu value=1")
        #expect(line.measurement == "cpu")
        #expect(line.tags.isEmpty)
        #expect(line.fields == ["value": .float(1)])
        #expect(line.timestamp == lineProtocolDefaultTimestamp)
        #expect(!line.hasTimestamp)
    }

    @Test func skipsBlankAndCommentLinesButCountsThem() throws {
        let text = "# header comment\n\ncpu a=1i 1\n   \n\t\n  # indented comment\n\t cpu a=2i 2\ncpu a=3i 3"
        let lines = try parseLineProtocol(text)
        #expect(lines.map(\.lineNumber) == [3, 7, 8])
        #expect(lines.map(\.timestamp) == [1, 2, 3])
        #expect(lines.map(\.measurement) == ["cpu", "cpu", "cpu"])
    }

    @Test func acceptsCRLFLineEndings() throws {
        let lines = try parseLineProtocol("cpu a=1i 10\r\ncpu,host=h1 s=\"x\"\r\ncpu b=true\r\n\r\n")
        #expect(lines.count == 3)
        #expect(lines[0].timestamp == 10)
        #expect(lines[1].tags == ["host=h1"])
        #expect(lines[1].fields == ["s": .string("x")])
        #expect(lines[2].fields == ["b": .boolean(true)])
    }

    @Test(arguments: ["", "\n", "\n\n\r\n", "   ", "# only a comment", "#a\n  #b\n"])
    func inputWithoutPointsCallsNothing(text: String) throws {
        #expect(try parseLineProtocol(text).isEmpty)
    }

    @Test func trailingBlanksAfterFieldsOrTimestampAreAccepted() throws {
        #expect(try parseSingleLine("cpu a=1i   ").fields == ["a": .integer(1)])
        #expect(try parseSingleLine("cpu a=1i 42  \t").timestamp == 42)
        #expect(try parseSingleLine("cpu,t=v   a=1i    42").timestamp == 42)
    }

    @Test(arguments: [
        (#"my\ measure\,ment f=1"#, "my measure,ment"),
        (#"a=b f=1"#, "a=b"),  // "=" needs no escape in a measurement
        (#"a\=b f=1"#, #"a\=b"#),  // …so "\=" keeps its backslash
        (#"back\slash f=1"#, #"back\slash"#),
        (#"\,lead f=1"#, ",lead"),
        (#"trail\  f=1"#, "trail "),
    ])
    func unescapesMeasurements(text: String, measurement: String) throws {
        #expect(try parseSingleLine(text).measurement == measurement)
    }

    @Test(arguments: [
        (#"m,my\ key=my\ value f=1"#, "my key=my value"),
        (#"m,a\,b=c\,d f=1"#, "a,b=c,d"),
        (#"m,a\=b=c\=d f=1"#, "a=b=c=d"),
        (#"m,path=C:\dir f=1"#, #"path=C:\dir"#),
        (#"m,q=say\"hi\" f=1"#, #"q=say\"hi\""#),
    ])
    func unescapesTags(text: String, tag: String) throws {
        #expect(try parseSingleLine(text).tags == [tag])
    }

    @Test(arguments: [
        (#"m my\ field=1"#, "my field"),
        (#"m a\,b=1"#, "a,b"),
        (#"m a\=b=1"#, "a=b"),
        (#"m back\slash=1"#, #"back\slash"#),
    ])
    func unescapesFieldKeys(text: String, key: String) throws {
        #expect(try parseSingleLine(text).fieldOrder == [key])
    }

    @Test func aStringValueMayHoldLineBreaks() throws {
        // As InfluxDB reads it, and as influxdb-client sends a multi-line log message: a line
        // break inside a string field value belongs to the value; the point ends at the first
        // line break after the closing quote. Lines are numbered by the input's line breaks.
        let lines = try parseLineProtocol(
            "logs,level=error message=\"Traceback:\n  File \\\"x\\\"\r\n  boom\",code=7i 5\nm f=1 6\n\nm s=\"\n\" 7")
        #expect(lines.map(\.lineNumber) == [1, 4, 6])
        #expect(lines[0].fields["message"] == .string("Traceback:\n  File \"x\"\r\n  boom"))
        #expect(lines[0].fields["code"] == .integer(7))
        #expect(lines[0].timestamp == 5)
        #expect(lines[1].fields["f"] == .float(1) && lines[1].timestamp == 6)
        #expect(lines[2].fields["s"] == .string("\n") && lines[2].timestamp == 7)
    }

    @Test func parsesUnicode() throws {
        let line = try parseSingleLine("温度,城市=東京 値=21.5,note=\"café ☕, à bientôt\" 1")
        #expect(line.measurement == "温度")
        #expect(line.tags == ["城市=東京"])
        #expect(line.fields == ["値": .float(21.5), "note": .string("café ☕, à bientôt")])
    }

    @Test func repeatedFieldKeepsItsLastValue() throws {
        let line = try parseSingleLine("m a=1i,b=2i,a=\"three\"")
        #expect(line.fieldOrder == ["a", "b"])
        #expect(line.fields == ["a": .string("three"), "b": .integer(2)])
    }

    @Test func linesWithManyTagsAndFieldsAreComplete() throws {
        let tags = (0..<40).map { ",t\($0)=v\($0)" }.joined()
        let fields = (0..<40).map { "f\($0)=\($0)i" }.joined(separator: ",")
        let lines = try parseLineProtocol("m\(tags) \(fields) 7\nm\(tags) \(fields) 8")
        #expect(lines.count == 2)
        for line in lines {
            #expect(line.tags == (0..<40).map { "t\($0)=v\($0)" })
            #expect(line.fieldOrder == (0..<40).map { "f\($0)" })
            #expect(line.fields["f39"] == .integer(39))
        }
    }

    @Test func tokenEqualsComparesUnescapedText() throws {
        let parser = LineProtocolParser(defaultTimestamp: 0)
        var results: [String: Bool] = [:]
        try parser.parse(#"my\ meas,my\ key=a\,b\=c,plain=v f\=x="q\"uote""#) { line in
            results["measurement"] = line.token(line.measurement, equals: "my meas")
            results["measurement escaped form"] = line.token(line.measurement, equals: #"my\ meas"#)
            results["tag key"] = line.token(line.tagKey(0), equals: "my key")
            results["tag key as String"] = line.token(line.tagKey(0), equals: String("my key"))
            results["tag key prefix"] = line.token(line.tagKey(0), equals: "my ke")
            results["tag key longer"] = line.token(line.tagKey(0), equals: "my keys")
            results["tag value"] = line.token(line.tagValue(0), equals: "a,b=c")
            results["tag value is escaped"] = line.tagValue(0).isEscaped
            results["plain tag key"] = line.token(line.tagKey(1), equals: "plain")
            results["plain tag key is escaped"] = line.tagKey(1).isEscaped
            results["plain tag key differs"] = line.token(line.tagKey(1), equals: "plan")
            results["field key"] = line.token(line.fieldKey(0), equals: "f=x")
            results["string value"] = line.stringFieldToken(0).map { line.token($0, equals: #"q"uote"#) }
        }
        #expect(
            results == [
                "measurement": true, "measurement escaped form": false, "tag key": true, "tag key as String": true,
                "tag key prefix": false, "tag key longer": false, "tag value": true, "tag value is escaped": true,
                "plain tag key": true, "plain tag key is escaped": false, "plain tag key differs": false,
                "field key": true, "string value": true,
            ]
        )
    }

    @Test func rawBytesAreTheEscapedForm() throws {
        let parser = LineProtocolParser(defaultTimestamp: 0)
        var raw: [[UInt8]] = []
        var numberHasStringToken = true
        var unescapedString = ""
        try parser.parse(#"m,k=a\ b f="x\\y",n=1"#) { line in
            raw.append(line.withRawBytes(line.tagValue(0)) { Array($0) })
            raw.append(line.withRawBytes(line.stringFieldToken(0)!) { Array($0) })
            numberHasStringToken = line.stringFieldToken(1) != nil
            unescapedString = line.string(line.stringFieldToken(0)!)
        }
        #expect(raw == [Array(#"a\ b"#.utf8), Array(#"x\\y"#.utf8)])
        #expect(!numberHasStringToken)
        #expect(unescapedString == #"x\y"#)
    }

    @Test func parsesByteCollectionsAndBuffers() throws {
        let text = "m,t=v f=1i 5\nm f=2i 6\n"
        let expected = try parseLineProtocol(text)
        let parser = LineProtocolParser(defaultTimestamp: lineProtocolDefaultTimestamp)
        var fromArray: [LineProtocolSnapshot] = []
        try parser.parse(Array(text.utf8)) { fromArray.append(LineProtocolSnapshot($0)) }
        var fromLazy: [LineProtocolSnapshot] = []
        try parser.parse(text.utf8.lazy.map { $0 }) { fromLazy.append(LineProtocolSnapshot($0)) }
        var fromBuffer: [LineProtocolSnapshot] = []
        try Array(text.utf8).withUnsafeBytes { buffer in
            try parser.parse(buffer) { fromBuffer.append(LineProtocolSnapshot($0)) }
        }
        #expect(expected.count == 2)
        #expect(fromArray == expected)
        #expect(fromLazy == expected)
        #expect(fromBuffer == expected)
    }

    @Test func errorThrownByTheCallbackStopsParsing() throws {
        struct Stop: Error {}
        var seen = 0
        let parser = LineProtocolParser(defaultTimestamp: 0)
        #expect(throws: Stop.self) {
            try parser.parse("m f=1\nm f=2\nm f=3") { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }
        }
        #expect(seen == 2)
    }

    @Test func linesBeforeAMalformedLineAreDelivered() throws {
        var seen: [Int] = []
        let parser = LineProtocolParser(defaultTimestamp: 0)
        let error = #expect(throws: LineProtocolError.self) {
            try parser.parse("m f=1\nm f=2\nm f=\nm f=4") { seen.append($0.lineNumber) }
        }
        #expect(seen == [1, 2])
        #expect(error?.line == 3)
    }
}
