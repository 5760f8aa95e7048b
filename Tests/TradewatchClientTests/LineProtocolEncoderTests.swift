import Testing
import TradewatchCore
@testable import TradewatchClient

/// The encoder against Tradewatch's own parser: what is written is what is read back.
@Suite struct LineProtocolEncoderTests {
    /// Text that exercises every escaping rule: commas, spaces and equals signs in names, tags
    /// and keys; quotes and backslashes in strings; backslashes before escapable characters.
    static let awkward = [
        "plain", "with space", "com,ma", "equals=sign", "quote\"d", "back\\slash", "\\,", "\\ ", "\\=", "a\\\\b",
        "  leading and trailing  ", "#not-a-comment", "tab\tinside", "Zürich €", "=", ",", " ", "\"",
    ]

    private func encode(_ record: Record, defaultService: String? = nil) -> (Bool, [ParsedLine]) {
        var encoder = LineProtocolEncoder()
        let written = encoder.append(record, defaultService: defaultService)
        return (written, (try? ParsedLine.parse(encoder.bytes)) ?? [])
    }

    @Test func metricNamesTagsAndLabelsRoundTripThroughTheParser() throws {
        for text in Self.awkward {
            let metric = Metric(
                name: "m.\(text)", value: -1.5e-7, symbol: text, labels: [text: text, "desk": "eq"], timestamp: 42)
            let (written, lines) = encode(.metric(metric))
            #expect(written, "\(text.debugDescription)")
            #expect(
                lines == [
                    ParsedLine(
                        measurement: "m.\(text)", tags: ["symbol": text, text: text, "desk": "eq"],
                        fields: ["value": .float(-1.5e-7)], timestamp: 42)
                ], "\(text.debugDescription)")
        }
    }

    @Test func stringFieldsRoundTripQuotesAndBackslashes() throws {
        for text in Self.awkward + ["ends with backslash\\", "\\", "\\\"", "\"\\", "{\"json\": [1, 2]}", "\r"] {
            let (written, lines) = encode(.log(LogEntry(level: .warning, message: text, timestamp: 7)))
            #expect(written)
            #expect(lines.first?.fields["message"] == .string(text), "\(text.debugDescription)")
            #expect(lines.first?.tags == ["level": "warning"])
        }
    }

    @Test func numbersKeepEveryBitAndIntegersCarryTheirSuffix() throws {
        let prices = [0.1, 187.25, -0.0, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123_456_789.123_456_78, 1.0 / 3]
        for price in prices {
            let execution = Execution(
                orderID: "o", symbol: "S", side: .sell, quantity: 3, price: price, fee: 0.35, latencyMicroseconds: 125,
                timestamp: -5)
            let (written, lines) = encode(.execution(execution))
            #expect(written)
            #expect(lines.first?.fields["price"] == .float(price))
            #expect(lines.first?.fields["latency_us"] == .integer(125))
            #expect(lines.first?.timestamp == -5)
        }
    }

    @Test func everyKindGoesToItsMeasurementWithTheServersColumnNames() throws {
        var encoder = LineProtocolEncoder()
        let records: [Record] = [
            .trade(Trade(symbol: "AAPL", price: 187.25, quantity: 100, side: .buy, venue: "XNAS", tradeID: "t1", timestamp: 1)),
            .quote(Quote(symbol: "AAPL", bid: 187.2, ask: 187.3, bidSize: 5, askSize: 7, venue: "XNAS", timestamp: 2)),
            .candle(CandleBar(symbol: "AAPL", interval: "1m", open: 1, high: 3, low: 0.5, close: 2, volume: 10, timestamp: 3)),
            .performance(PerformanceSample(
                strategy: "mm", pnl: 1, realizedPnL: 2, unrealizedPnL: -1, position: 10, exposure: 1870, drawdown: 0.5,
                timestamp: 4)),
            .log(LogEntry(level: .info, message: "fill", correlationID: "c-1", attributes: ["order": "o-1"], timestamp: 5)),
        ]
        for record in records {
            let written = encoder.append(record, defaultService: "desk")
            #expect(written)
        }
        let lines = try ParsedLine.parse(encoder.bytes)
        #expect(lines.map(\.measurement) == ["trades", "quotes", "candles", "performance", "logs"])
        #expect(lines[0].tags == ["symbol": "AAPL", "venue": "XNAS", "side": "buy", "trade_id": "t1"])
        #expect(lines[0].fields == ["price": .float(187.25), "qty": .float(100)])
        #expect(lines[1].fields == ["bid": .float(187.2), "ask": .float(187.3), "bid_size": .float(5), "ask_size": .float(7)])
        #expect(lines[2].tags == ["symbol": "AAPL", "interval": "1m"])
        #expect(Set(lines[3].fields.keys) == ["pnl", "realized_pnl", "unrealized_pnl", "position", "exposure", "drawdown"])
        #expect(lines[4].tags == ["level": "info", "service": "desk", "correlation_id": "c-1", "order": "o-1"])
        #expect(lines.map(\.timestamp) == [1, 2, 3, 4, 5])
    }

    /// What line protocol cannot carry is refused whole, leaving the output untouched, so that
    /// the record can go through JSON instead.
    @Test func refusesWhatTheParserWouldReadBackDifferently() throws {
        let refused: [(String, Record)] = [
            ("line break in a message", .log(LogEntry(level: .error, message: "first\nsecond"))),
            ("line break in a tag", .trade(Trade(symbol: "A\nB", price: 1, quantity: 1))),
            ("tag value ending in a backslash", .trade(Trade(symbol: "AAPL", price: 1, quantity: 1, venue: "X\\"))),
            ("empty tag value", .trade(Trade(symbol: "AAPL", price: 1, quantity: 1, venue: ""))),
            ("measurement starting with #", .metric(Metric(name: "#cpu", value: 1))),
            ("measurement starting with a tab", .metric(Metric(name: "\tcpu", value: 1))),
            ("measurement ending in a backslash", .metric(Metric(name: "cpu\\", value: 1))),
            ("metric named like a table", .metric(Metric(name: "trades", value: 1))),
            ("metric label named symbol", .metric(Metric(name: "cpu", value: 1, labels: ["symbol": "X"]))),
            ("empty label key", .metric(Metric(name: "cpu", value: 1, labels: ["": "x"]))),
            ("log attribute named like a column", .log(LogEntry(level: .info, message: "m", attributes: ["service": "x"]))),
        ]
        for (why, record) in refused {
            var encoder = LineProtocolEncoder()
            let kept = encoder.append(.trade(Trade(symbol: "KEEP", price: 1, quantity: 1, timestamp: 9)))
            let before = encoder.bytes
            let written = encoder.append(record)
            #expect(kept)
            #expect(!written, "\(why)")
            #expect(encoder.bytes == before, "\(why)")
            #expect(encoder.lineCount == 1)
        }
    }
}
