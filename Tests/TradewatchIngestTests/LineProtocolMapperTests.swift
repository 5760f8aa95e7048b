import Foundation
import Testing
import TradewatchCore
import TradewatchIngest

@Suite struct LineProtocolMapperTests {
    static let receivedAt: Int64 = 1_767_225_600_000_000_000

    func map(_ text: String, precision: TimestampPrecision = .nanoseconds) throws -> [AnalyticsTable: ColumnarBatch] {
        var mapper = LineProtocolMapper()
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { try mapper.map($0, precision: precision, receivedAt: Self.receivedAt) }
        return mapper.batches
    }

    func error(_ text: String) -> String? {
        do {
            _ = try map(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func labels(_ batch: ColumnarBatch, row: Int, column: Int) throws -> [String: Any] {
        guard case .text(let json?) = batch.value(row: row, column: column) else { return [:] }
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    @Test func tradesFillTheirColumnsAndKeepTheRestAsLabels() throws {
        let batches = try map(
            #"trades,symbol=AAPL,venue=XNAS,side=buy,desk=eq price=187.25,qty=100i,trade_id="t-1",aggressor=true 1767225600000000001"#)
        let trades = try #require(batches[.trades])
        #expect(batches.count == 1)
        #expect(trades.rowCount == 1)
        #expect(trades.timestamps == [1_767_225_600_000_000_001])
        let expected: [ColumnarBatch.Value] = [
            .timestamp(1_767_225_600_000_000_001), .text("AAPL"), .text("XNAS"), .double(187.25), .double(100),
            .text("buy"), .text("t-1"),
        ]
        #expect((0..<7).map { trades.value(row: 0, column: $0) } == expected)
        let extra = try labels(trades, row: 0, column: 7)
        #expect(extra["desk"] as? String == "eq")
        #expect(extra["aggressor"] as? Bool == true)
        #expect(extra.count == 2)
    }

    @Test func otherMeasurementsBecomeLongFormMetrics() throws {
        let batches = try map("""
            order_latency,symbol=AAPL,strategy=mm p50=120i,p99=480.5,ok=true,note="warm" 1767225600000000000
            cpu,host=a value=0.5 1767225600000000000
            """)
        let metrics = try #require(batches[.metrics])
        #expect(metrics.rowCount == 4)
        let names = (0..<4).map { metrics.value(row: $0, column: 1) }
        #expect(names == [.text("order_latency.p50"), .text("order_latency.p99"), .text("order_latency.ok"), .text("cpu")])
        let values = (0..<4).map { metrics.value(row: $0, column: 3) }
        #expect(values == [.double(120), .double(480.5), .double(1), .double(0.5)])
        #expect(metrics.value(row: 0, column: 2) == .text("AAPL"))
        #expect(metrics.value(row: 3, column: 2) == .text(nil))
        let first = try labels(metrics, row: 0, column: 4)
        #expect(first["strategy"] as? String == "mm")
        #expect(first["note"] as? String == "warm")
        #expect(first["symbol"] == nil)
        #expect(try labels(metrics, row: 3, column: 4)["host"] as? String == "a")
    }

    @Test func linesSwitchingMeasurementsEachGoToTheirOwnTable() throws {
        // Measurements alternate, share a prefix, differ only in length or escaping: each line is
        // mapped by its own measurement, not the previous line's.
        let batches = try map("""
            trades,symbol=A price=1,qty=1 1
            trade,symbol=A value=2 2
            trades,symbol=B price=3,qty=1 3
            tradesx value=4 4
            quotes,symbol=A bid=5 5
            trad\\ es value=6 6
            trad\\ es value=8 8
            trades,symbol=C price=7,qty=1 7
            """)
        #expect(batches[.trades]?.texts[0] == ["A", "B", "C"])
        #expect(batches[.trades]?.doubles[0] == [1, 3, 7])
        #expect(batches[.quotes]?.rowCount == 1)
        #expect(batches[.metrics]?.texts[0] == ["trade", "tradesx", "trad es", "trad es"])
        #expect(batches[.metrics]?.doubles[0] == [2, 4, 6, 8])
    }

    @Test func missingTimestampMeansTimeOfReceiptAndPrecisionScales() throws {
        let now = try #require(try map("cpu value=1")[.metrics])
        #expect(now.timestamps == [Self.receivedAt])
        let seconds = try #require(try map("cpu value=1 1767225600", precision: .seconds)[.metrics])
        #expect(seconds.timestamps == [1_767_225_600_000_000_000])
        let micros = try #require(try map("cpu value=1 1767225600000001", precision: .microseconds)[.metrics])
        #expect(micros.timestamps == [1_767_225_600_000_001_000])
    }

    @Test func eachTypedTableMaps() throws {
        let batches = try map("""
            quotes,symbol=EURUSD,venue=EBS bid=1.0841,ask=1.0843,bid_size=1000000i,ask_size=2000000i 1
            candles,symbol=BTC-USD,interval=1m open=1,high=2,low=0.5,close=1.5,volume=10 2
            executions,order_id=o-1,strategy=mm,symbol=AAPL,side=sell,venue=XNAS,correlation_id=req-9 qty=10,price=187.3,fee=0.1,latency_us=125i 3
            performance,strategy=mm pnl=12.5,realized_pnl=10,unrealized_pnl=2.5,position=-100,exposure=18730,drawdown=0.02 4
            logs,level=error,service=oms,correlation_id=req-9 message="order rejected: price band",order_id="o-1" 5
            """)
        #expect(Set(batches.keys) == [.quotes, .candles, .executions, .performance, .logs])
        #expect(batches[.quotes]?.value(row: 0, column: 5) == .double(1_000_000))
        #expect(batches[.candles]?.value(row: 0, column: 2) == .text("1m"))
        let execution = try #require(batches[.executions])
        #expect(execution.value(row: 0, column: 9) == .integer(125))
        #expect(execution.value(row: 0, column: 10) == .text("req-9"))
        #expect(batches[.performance]?.value(row: 0, column: 5) == .double(-100))
        let logs = try #require(batches[.logs])
        #expect(logs.value(row: 0, column: 3) == .text("order rejected: price band"))
        #expect(try labels(logs, row: 0, column: 5)["order_id"] as? String == "o-1")
    }

    @Test(arguments: [
        ("trades,symbol=AAPL price=1", "line 1: trades needs field qty"),
        ("trades price=1,qty=1", "line 1: trades needs tag or field symbol"),
        (#"trades,symbol=A price="high",qty=1"#, "line 1: field price of trades must be a number, got the string \"high\""),
        ("trades,symbol=A price=1,qty=-5", "line 1: field qty of trades must not be negative"),
        ("executions,order_id=o,symbol=A qty=1,price=1,latency_us=1.5", "field latency_us of executions must be an integer"),
        ("trades,symbol=A,price=1 qty=1", "tag price of trades must be a field"),
        (#"event,kind=x note="text only""#, "measurement event has no numeric field"),
        ("cpu value=1\ncpu value=2\ncpu value=", "line 3"),
        ("candles,symbol=A,interval=1m open=1,high=0.5,low=1,close=1,volume=1", "line 1: candles: high 0.5 is below low 1"),
        ("candles,symbol=A,interval=1m open=3,high=2,low=1,close=1.5,volume=1", "line 1: candles: open 3 is outside low 1 to high 2"),
        ("candles,symbol=A,interval=1m open=1,high=2,low=1,close=0.5,volume=1", "line 1: candles: close 0.5 is outside low 1 to high 2"),
    ])
    func problemsNameTheLine(text: String, expected: String) {
        let message = error(text)
        #expect(message?.contains(expected) == true, "got \(message ?? "no error")")
    }

    @Test func aKeyThatWouldMakeTheRowAmbiguousIsRefusedNamingTheLine() throws {
        // A tag key twice: which value is the label (or the column)?
        let twice = try #require(error("cpu value=1\ncpu,host=a,host=b value=1"))
        #expect(twice.contains("line 2") && twice.contains("tag host is given twice"), "\(twice)")
        #expect(error(#"cpu,ho\ st=a,ho\ st=b value=1"#)?.contains("is given twice") == true, "escaped keys compare unescaped")
        #expect(error("trades,symbol=A,symbol=B price=1,qty=1")?.contains("tag symbol is given twice") == true)
        // A typed table's tag and field of one name: one column, or one label.
        let side = try #require(error(#"trades,symbol=A,side=buy price=1,qty=1,side="sell""#))
        #expect(side.contains("line 1") && side.contains("side is both a tag and a field"), "\(side)")
        #expect(error("trades,symbol=A,desk=x price=1,qty=1,desk=2")?.contains("desk is both a tag and a field") == true)
        // A metric's tag and string field of one name would be one label; a numeric field is its own row.
        #expect(error(#"cpu,host=a value=1,host="b""#)?.contains("host is both a tag and a field") == true)
        let numeric = try map("cpu,host=a value=1,host=2")
        #expect(numeric[.metrics]?.rowCount == 2, "cpu and cpu.host, each labelled host=a")
        // A field key twice keeps its last value, as InfluxDB does.
        let fields = try #require(try map("trades,symbol=A price=1,qty=1,price=2")[.trades])
        #expect(fields.rowCount == 1)
        #expect(fields.value(row: 0, column: 3) == .double(2))
        // Distinct keys that share a prefix or a length are fine.
        #expect(try map("cpu,host=a,hosts=b,mode=x value=1,mod=2")[.metrics]?.rowCount == 2)
    }

    @Test func oneBadLineRejectsTheWholeRequest() {
        var mapper = LineProtocolMapper()
        let text = Array("cpu value=1\ncpu value=2\ntrades,symbol=A price=1\n".utf8)
        #expect(throws: IngestError.self) {
            try text.withUnsafeBytes { try mapper.map($0, precision: .nanoseconds, receivedAt: 0) }
        }
        // The caller discards the mapper: nothing from the request reaches the writer.
    }
}
