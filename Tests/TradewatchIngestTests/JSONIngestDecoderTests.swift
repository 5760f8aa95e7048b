import Foundation
import Testing
import TradewatchCore
import TradewatchIngest

@Suite struct JSONIngestDecoderTests {
    func decode(_ json: String, _ table: AnalyticsTable) throws -> ColumnarBatch {
        try JSONIngestDecoder.decode(Data(json.utf8), table: table)
    }

    func message(_ json: String, _ table: AnalyticsTable) -> String? {
        do {
            _ = try decode(json, table)
            return nil
        } catch let error as IngestError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func tradesWithBothTimestampFormsAndExtraKeysKeptAsLabels() throws {
        let batch = try decode("""
            {"trades": [
              {"ts": "2026-01-01T00:00:00.123456789Z", "symbol": "AAPL", "venue": "XNAS", "price": 187.25, "qty": 100,
               "side": "buy", "trade_id": "t1", "desk": "eq", "labels": {"account": "A1", "tier": 2}},
              {"ts": 1767225600000000001, "symbol": "MSFT", "price": 410, "qty": 5.5}
            ]}
            """, .trades)
        #expect(batch.rowCount == 2)
        #expect(batch.timestamps == [1_767_225_600_123_456_789, 1_767_225_600_000_000_001])
        #expect(batch.value(row: 0, column: 1) == .text("AAPL"))
        #expect(batch.value(row: 1, column: 3) == .double(410))
        #expect(batch.value(row: 1, column: 2) == .text(nil))
        guard case .text(let labels?) = batch.value(row: 0, column: 7) else {
            Issue.record("labels missing")
            return
        }
        let object = try JSONSerialization.jsonObject(with: Data(labels.utf8)) as? [String: Any]
        #expect(object?["desk"] as? String == "eq")
        #expect(object?["account"] as? String == "A1")
        #expect(object?["tier"] as? Int == 2)
        #expect(batch.value(row: 1, column: 7) == .text(nil))
    }

    @Test(arguments: [
        (#"{"trades": [{"symbol": "AAPL", "price": 1, "qty": 1}]}"#, "trades[0].ts: required"),
        (#"{"trades": [{"ts": "yesterday", "symbol": "AAPL", "price": 1, "qty": 1}]}"#, "trades[0].ts: cannot parse \"yesterday\""),
        (#"{"trades": [{"ts": "2300-01-01T00:00:00Z", "symbol": "AAPL", "price": 1, "qty": 1}]}"#,
         "trades[0].ts: \"2300-01-01T00:00:00Z\" is out of range: timestamps run from 1677-09-21"),
        (#"{"trades": [{"ts": "2026-02-30T00:00:00Z", "symbol": "AAPL", "price": 1, "qty": 1}]}"#, "trades[0].ts: cannot parse"),
        (#"{"trades": [{"ts": 1, "symbol": "", "price": 1, "qty": 1}]}"#, "trades[0].symbol: must not be empty"),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": "1.5", "qty": 1}]}"#, "trades[0].price: must be a finite number, got a string"),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": -3}]}"#, "trades[0].qty: must not be negative"),
        (#"{"trades": [{"ts": 1, "symbol": "A", "qty": 1}]}"#, "trades[0].price: required"),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": 1e999, "qty": 1}]}"#, "trades[0].price: the number is out of range"),
        (
            #"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1}, {"ts": 1, "symbol": "A", "price": 1, "qty": -1e400}]}"#,
            "trades[1].qty: the number is out of range"
        ),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": NaN, "qty": 1}]}"#, "not valid JSON"),
        (#"{"trades": {"ts": 1}}"#, "trades must be an array, got an object"),
        (#"{"metrics": []}"#, "the body has no \"trades\" array"),
        (#"[1, 2]"#, "the body must be a JSON object"),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1}, 7]}"#, "trades[1]: must be an object, got a number"),
    ])
    func badTradesAreRefusedNamingItemAndField(json: String, expected: String) {
        let text = message(json, .trades)
        #expect(text?.contains(expected) == true, "got \(text ?? "no error")")
    }

    @Test(arguments: [
        (#"{"ts": 1, "symbol": "A", "interval": "1m", "open": 1, "high": 0.5, "low": 1, "close": 1, "volume": 1}"#,
         "candles[1]: high 0.5 is below low 1"),
        (#"{"ts": 1, "symbol": "A", "interval": "1m", "open": 0.9, "high": 2, "low": 1, "close": 1, "volume": 1}"#,
         "candles[1]: open 0.9 is outside low 1 to high 2"),
        (#"{"ts": 1, "symbol": "A", "interval": "1m", "open": 1, "high": 2, "low": 1, "close": 2.5, "volume": 1}"#,
         "candles[1]: close 2.5 is outside low 1 to high 2"),
    ])
    func aCandleThatContradictsItselfIsRefused(item: String, expected: String) {
        // The first candle is fine, and flat (open = high = low = close) is consistent.
        let good = #"{"ts": 1, "symbol": "A", "interval": "1m", "open": 1, "high": 1, "low": 1, "close": 1, "volume": 0}"#
        #expect(message(#"{"candles": [\#(good)]}"#, .candles) == nil)
        let text = message(#"{"candles": [\#(good), \#(item)]}"#, .candles)
        #expect(text == expected, "got \(text ?? "no error")")
    }

    @Test(arguments: [
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1}, {"ts": 1, "symbol": "A", "symbol": "B", "price": 1, "qty": 1}]}"#,
         #"trades[1]: the key "symbol" is given twice"#),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1, "labels": {"desk": "eq", "desk": "fx"}}]}"#,
         #"trades[0].labels: the key "desk" is given twice"#),
        (#"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1, "a\u0062": 1, "ab": 2}]}"#,
         #"trades[0]: the key "ab" is given twice"#),
        (#"{"trades": [], "trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1}]}"#, #"the key "trades" is given twice"#),
    ])
    func aKeyGivenTwiceIsRefusedNamingTheObject(json: String, expected: String) {
        #expect(message(json, .trades) == expected)
    }

    @Test func theSameKeyInDifferentObjectsAndKeysInsideStringsAreFine() throws {
        let batch = try decode(
            #"{"trades": [{"ts": 1, "symbol": "A", "price": 1, "qty": 1, "note": "\"symbol\": \"x\", {\"qty\"}"},"#
                + #" {"ts": 2, "symbol": "B", "price": 2, "qty": 2, "labels": {"symbol": "inner", "l": [{"k": 1}, {"k": 2}]}}]}"#,
            .trades)
        #expect(batch.rowCount == 2)
    }

    @Test func metricsNeedANameAndAFiniteValue() {
        #expect(message(#"{"metrics": [{"ts": 1, "name": "", "value": 1}]}"#, .metrics)?.contains("metrics[0].name: must not be empty") == true)
        #expect(message(#"{"metrics": [{"ts": 1, "name": "cpu", "value": true}]}"#, .metrics)?.contains("metrics[0].value: must be a finite number, got a boolean") == true)
    }

    @Test func executionsCheckIntegerLatency() throws {
        #expect(message(#"{"executions": [{"ts": 1, "order_id": "o", "symbol": "A", "qty": 1, "price": 2, "latency_us": 1.5}]}"#, .executions)?
            .contains("executions[0].latency_us: must be an integer") == true)
        #expect(message(#"{"executions": [{"ts": 1, "order_id": "o", "symbol": "A", "qty": 1, "price": 2, "latency_us": -4}]}"#, .executions)?
            .contains("must not be negative") == true)
        let batch = try decode(#"{"executions": [{"ts": "2026-01-01T01:00:00+01:00", "order_id": "o", "symbol": "A", "qty": 1, "price": 2, "latency_us": 350, "correlation_id": "req-1"}]}"#, .executions)
        #expect(batch.timestamps == [1_767_225_600_000_000_000])
        #expect(batch.value(row: 0, column: 9) == .integer(350))
        #expect(batch.value(row: 0, column: 10) == .text("req-1"))
    }

    @Test func logsKeepAttributes() throws {
        let batch = try decode(#"{"logs": [{"ts": 5, "level": "info", "message": "filled", "attributes": {"order": "o-1"}, "pid": 42}]}"#, .logs)
        guard case .text(let attributes?) = batch.value(row: 0, column: 5) else {
            Issue.record("attributes missing")
            return
        }
        #expect(attributes.contains(#""order":"o-1""#))
        #expect(attributes.contains(#""pid":42"#))
    }
}
