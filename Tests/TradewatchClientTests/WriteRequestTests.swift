import Foundation
import Testing
@testable import TradewatchClient

/// How a batch is split between line protocol and the JSON endpoints.
@Suite struct WriteRequestTests {
    private func json(_ request: WriteRequest) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    @Test func recordsLineProtocolCannotCarryGoThroughJSONWithTheirTextIntact() throws {
        let message = "Traceback:\n  line 1\r\n\t\"quoted\" \\ back\u{01}"
        let records: [Record] = [
            .trade(Trade(symbol: "AAPL", price: 1, quantity: 2, timestamp: 1)),
            .log(LogEntry(level: .error, message: message, correlationID: "c\n1", attributes: ["k\n": "v\"\\"], timestamp: 2)),
            .metric(Metric(name: "trades", value: 0.25, symbol: "AAPL", labels: ["symbol": "x"], timestamp: 3)),
            .log(LogEntry(level: .info, message: "one line", timestamp: 4)),
        ]
        let requests = WriteRequest.requests(for: records[...], defaultService: "svc")
        #expect(requests.map(\.path) == ["api/v2/write?precision=ns", "api/v1/metrics", "api/v1/logs"])
        #expect(requests.map(\.records) == [2, 1, 1])
        #expect(requests.map(\.contentType) == ["text/plain; charset=utf-8", "application/json", "application/json"])

        let metrics = try #require(json(requests[1])["metrics"] as? [[String: Any]])
        #expect(metrics.count == 1)
        #expect(metrics[0]["name"] as? String == "trades")
        #expect(metrics[0]["value"] as? Double == 0.25)
        #expect(metrics[0]["ts"] as? Int == 3)
        #expect(metrics[0]["labels"] as? [String: String] == ["symbol": "x"])

        let logs = try #require(json(requests[2])["logs"] as? [[String: Any]])
        #expect(logs[0]["message"] as? String == message)
        #expect(logs[0]["correlation_id"] as? String == "c\n1")
        #expect(logs[0]["service"] as? String == "svc")
        #expect(logs[0]["attributes"] as? [String: String] == ["k\n": "v\"\\"])
        #expect(logs[0]["level"] as? String == "error")
    }

    @Test func jsonKeepsEveryColumnOfEveryKind() throws {
        let records: [Record] = [
            .trade(Trade(symbol: "A\nB", price: 1.5, quantity: 2, side: .sell, venue: "", tradeID: "t", timestamp: 1)),
            .quote(Quote(symbol: "A\nB", bid: 1, ask: 2, bidSize: 3, askSize: 4, venue: "v", timestamp: 2)),
            .candle(CandleBar(symbol: "A\nB", interval: "1m", open: 1, high: 2, low: 0.5, close: 1.5, volume: 9, timestamp: 3)),
            .execution(Execution(
                orderID: "o\n1", strategy: "s", symbol: "S", side: .buy, quantity: 1, price: 2, fee: 0.1, venue: "v",
                latencyMicroseconds: 77, correlationID: "c", timestamp: 4)),
            .performance(PerformanceSample(
                strategy: "s\n", pnl: 1, realizedPnL: 2, unrealizedPnL: 3, position: 4, exposure: 5, drawdown: 6, timestamp: 5)),
        ]
        let requests = WriteRequest.requests(for: records[...], defaultService: nil)
        #expect(requests.map(\.path) == ["api/v1/trades", "api/v1/quotes", "api/v1/candles", "api/v1/executions", "api/v1/performance"])
        let trade = try #require((json(requests[0])["trades"] as? [[String: Any]])?.first)
        #expect(trade["venue"] as? String == "")
        #expect(trade["side"] as? String == "sell")
        #expect(trade["qty"] as? Double == 2)
        let quote = try #require((json(requests[1])["quotes"] as? [[String: Any]])?.first)
        #expect(quote["bid_size"] as? Double == 3)
        #expect(quote["ask_size"] as? Double == 4)
        let candle = try #require((json(requests[2])["candles"] as? [[String: Any]])?.first)
        #expect(candle["interval"] as? String == "1m")
        #expect(candle["volume"] as? Double == 9)
        let execution = try #require((json(requests[3])["executions"] as? [[String: Any]])?.first)
        #expect(execution["latency_us"] as? Int == 77)
        #expect(execution["order_id"] as? String == "o\n1")
        #expect(execution["fee"] as? Double == 0.1)
        let sample = try #require((json(requests[4])["performance"] as? [[String: Any]])?.first)
        #expect(sample["realized_pnl"] as? Double == 2)
        #expect(sample["drawdown"] as? Double == 6)
    }

    @Test func aBatchWithoutAwkwardTextIsOneLineProtocolRequest() throws {
        let records = (0..<1_000).map { Record.trade(Trade(symbol: "S\($0 % 7)", price: Double($0), quantity: 1, timestamp: Int64($0))) }
        let requests = WriteRequest.requests(for: records[...], defaultService: nil)
        #expect(requests.count == 1)
        #expect(requests[0].records == 1_000)
        #expect(try ParsedLine.parse(requests[0].body).map(\.timestamp) == (0..<1_000).map(Int64.init))
    }
}
