import Foundation
import Testing
import TradewatchClient
import TradewatchTestSupport

/// The recorder against a real `tradewatch serve`: every kind of record arrives with its values,
/// awkward text included, and reads back through the query API.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LiveServerTests {
    static let awkward = "order \"o-1\" rejected:\n  reason=\"price, band\" \\ retry\ttab"

    @Test func everyKindOfRecordArrivesWithItsValues() async throws {
        let folder = try TemporaryDirectory()
        let server = try TradewatchProcess(dataDirectory: folder.path("data"))
        let base = try await server.waitUntilListening()
        let recorder = TradewatchRecorder(configuration: .init(baseURL: base, service: "client-tests"))
        // Two minutes ago, with nanosecond digits that must survive.
        let t0 = (currentTimeNanoseconds() / 1_000_000_000 - 120) * 1_000_000_000 + 123_456_789

        recorder.record(metric: Metric(
            name: "client.latency_us", value: 125.5, symbol: "AAPL",
            labels: ["venue": "X NAS,1=2", "note": "quote\"back\\slash"], timestamp: t0))
        recorder.record(metric: Metric(name: "trades", value: 7, labels: ["why": "named like a table"], timestamp: t0 + 1))
        recorder.record(metric: Metric(name: "weird name, with=signs", value: -0.25, labels: ["trailing": "ends\\"], timestamp: t0 + 2))
        recorder.record(metric: Metric(name: "client.bad", value: .nan, timestamp: t0 + 3))
        recorder.record(trade: Trade(
            symbol: "AAPL", price: 187.25, quantity: 100, side: .buy, venue: "XNAS", tradeID: "t,1 =x", timestamp: t0 + 4))
        recorder.record(trade: Trade(symbol: "BRK.B", price: 412.5, quantity: 0, venue: "", timestamp: t0 + 5))
        recorder.record(quote: Quote(symbol: "AAPL", bid: 187.2, ask: 187.3, bidSize: 5, askSize: 7, venue: "XNAS", timestamp: t0 + 6))
        recorder.record(candle: CandleBar(symbol: "AAPL", interval: "1m", open: 1, high: 3, low: 0.5, close: 2, volume: 10, timestamp: t0 + 7))
        recorder.record(execution: Execution(
            orderID: "o-1", strategy: "mm", symbol: "AAPL", side: .sell, quantity: 100, price: 187.26, fee: 0.35,
            venue: "XNAS", latencyMicroseconds: 125, correlationID: "req-42", timestamp: t0 + 8))
        recorder.record(performance: PerformanceSample(
            strategy: "mm", pnl: 12.5, realizedPnL: 10, unrealizedPnL: 2.5, position: -100, exposure: 18_726, drawdown: 1.25,
            timestamp: t0 + 9))
        recorder.log(LogEntry(
            level: .warning, message: Self.awkward, correlationID: "req-42", attributes: ["order_id": "o-1", "path": "C:\\tmp"],
            timestamp: t0 + 10))
        recorder.log(LogEntry(
            level: .error, message: "attribute named like a column", service: "svc-x", attributes: ["service": "attr"],
            timestamp: t0 + 11))
        recorder.log(.info, "plain, line = ok", correlationID: "req-42", attributes: ["k v": "a,b=c"])

        await recorder.flush()
        await recorder.shutdown()
        let statistics = recorder.statistics
        #expect(statistics.sent == 12, "\(statistics)")
        #expect(statistics.invalid == 1)
        #expect(statistics.rejected == 0 && statistics.dropped == 0 && statistics.abandoned == 0)

        let query = QueryClient(base: base)
        let metrics = try await query.sql(
            "SELECT epoch_ns(ts) AS ns, name, symbol, value, labels::VARCHAR AS labels FROM metrics "
                + "WHERE name IN ('client.latency_us', 'trades', 'weird name, with=signs', 'client.bad') ORDER BY ts")
        #expect(metrics.map { $0["name"] as? String } == ["client.latency_us", "trades", "weird name, with=signs"])
        #expect(metrics.map { $0["ns"] as? Int } == [t0, t0 + 1, t0 + 2].map(Int.init))
        #expect(metrics.map { $0["value"] as? Double } == [125.5, 7, -0.25])
        #expect(metrics[0]["symbol"] as? String == "AAPL")
        #expect(stringMap(metrics[0]["labels"]) == ["venue": "X NAS,1=2", "note": "quote\"back\\slash"])
        #expect(stringMap(metrics[1]["labels"]) == ["why": "named like a table"])
        #expect(stringMap(metrics[2]["labels"]) == ["trailing": "ends\\"])

        let trades = try await query.sql("SELECT epoch_ns(ts) AS ns, symbol, venue, price, qty, side, trade_id FROM trades ORDER BY ts")
        #expect(trades.count == 2)
        #expect(trades.first?["ns"] as? Int == Int(t0 + 4))
        #expect(trades.map { $0["trade_id"] as? String } == ["t,1 =x", nil])
        #expect(trades.map { $0["venue"] as? String } == ["XNAS", ""])
        #expect(trades.map { $0["price"] as? Double } == [187.25, 412.5])
        #expect(trades.map { $0["qty"] as? Double } == [100, 0])
        #expect(trades.first?["side"] as? String == "buy")

        let quote = try #require(try await query.sql("SELECT * FROM quotes").first)
        #expect([quote["bid"], quote["ask"], quote["bid_size"], quote["ask_size"]].map { $0 as? Double } == [187.2, 187.3, 5, 7])
        let candle = try #require(try await query.sql("SELECT * FROM candles").first)
        #expect([candle["open"], candle["high"], candle["low"], candle["close"], candle["volume"]].map { $0 as? Double } == [1, 3, 0.5, 2, 10])
        #expect(candle["interval"] as? String == "1m")

        let execution = try #require(try await query.sql("SELECT * FROM executions").first)
        #expect(execution["order_id"] as? String == "o-1")
        #expect(execution["strategy"] as? String == "mm")
        #expect(execution["side"] as? String == "sell")
        #expect(execution["price"] as? Double == 187.26)
        #expect(execution["fee"] as? Double == 0.35)
        #expect(execution["latency_us"] as? Int == 125)
        #expect(execution["correlation_id"] as? String == "req-42")

        let sample = try #require(try await query.sql("SELECT * FROM performance").first)
        #expect(
            ["pnl", "realized_pnl", "unrealized_pnl", "position", "exposure", "drawdown"].map { sample[$0] as? Double }
                == [12.5, 10, 2.5, -100, 18_726, 1.25])

        let logs = try await query.sql(
            "SELECT level, service, message, correlation_id, attributes::VARCHAR AS attributes FROM logs "
                + "WHERE service IS DISTINCT FROM 'tradewatch' ORDER BY ts")
        #expect(logs.map { $0["message"] as? String } == [Self.awkward, "attribute named like a column", "plain, line = ok"])
        #expect(logs.map { $0["level"] as? String } == ["warning", "error", "info"])
        #expect(logs.map { $0["service"] as? String } == ["client-tests", "svc-x", "client-tests"])
        #expect(stringMap(logs[0]["attributes"]) == ["order_id": "o-1", "path": "C:\\tmp"])
        #expect(stringMap(logs[1]["attributes"]) == ["service": "attr"])
        #expect(stringMap(logs[2]["attributes"]) == ["k v": "a,b=c"])

        // The same rows through the history endpoints.
        let aapl = try await query.history("/api/v1/trades?symbol=AAPL")
        #expect(aapl.map { $0["trade_id"] as? String } == ["t,1 =x"])
        let namedLikeATable = try await query.history("/api/v1/metrics?name=trades")
        #expect(namedLikeATable.map { $0["value"] as? Double } == [7])
        let correlated = try await query.history("/api/v1/logs?correlation_id=req-42")
        #expect(correlated.compactMap { $0["message"] as? String } == [Self.awkward, "plain, line = ok"])

        try await server.stop()
    }

    /// A real server that answers `503` (a held connection fills `--max-connections 1`) and then
    /// `429` (`--write-rows-rate 1000`: the third batch of 1,000 rows overdraws the burst of
    /// 2,000) before `204`: the recorder retries after `Retry-After` and every record is stored
    /// exactly once.
    @Test func refusedWritesAreRetriedUntilStoredExactlyOnce() async throws {
        let folder = try TemporaryDirectory()
        let server = try TradewatchProcess(
            dataDirectory: folder.path("data"), arguments: ["--max-connections", "1", "--write-rows-rate", "1000"])
        let base = try await server.waitUntilListening()
        let held = try HeldConnection(port: try #require(base.port))
        defer { held.close() }

        let capture = LogCapture()
        let recorder = TradewatchRecorder(
            configuration: .init(
                baseURL: base, batchSize: 1_000, requestTimeout: .seconds(5),
                retryBackoff: .init(base: .milliseconds(50), maximum: .seconds(1))),
            logger: capture.logger)
        let count = 3_000
        let t0 = currentTimeNanoseconds() - 60_000_000_000
        for index in 0..<count {
            recorder.record(trade: Trade(
                symbol: "RETRY", price: 100 + Double(index % 7), quantity: 1, tradeID: "t-\(index)", timestamp: t0 + Int64(index)))
        }
        func retried(_ status: Int) -> Bool {
            capture.entries.contains {
                $0.message == "Tradewatch write failed; retrying" && $0.metadata["reason"]?.hasPrefix("HTTP \(status)") == true
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await recorder.flush() }
            // The place is given back once the recorder has been answered 503 (10 s at most).
            let deadline = ContinuousClock.now + .seconds(10)
            while !retried(503), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            held.close()
            try await group.waitForAll()
        }
        await recorder.shutdown()
        let statistics = recorder.statistics
        #expect(retried(503), "no 503 seen: \(capture.entries.map(\.metadata))")
        #expect(retried(429), "no 429 seen: \(capture.entries.map(\.metadata))")
        #expect(statistics.sent == count && statistics.rejected == 0 && statistics.abandoned == 0, "\(statistics)")
        #expect(statistics.failedAttempts >= 2, "\(statistics)")

        // The server sees the recorder's connection close a moment after shutdown: until then
        // the query's connection is the one refused.
        var rows: [[String: Any]] = []
        for _ in 0..<50 {
            if let answer = try? await QueryClient(base: base).sql(
                "SELECT count(*) AS n, count(DISTINCT trade_id) AS ids FROM trades WHERE symbol = 'RETRY'")
            {
                rows = answer
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(rows.first?["n"] as? Int == count, "\(rows)")
        #expect(rows.first?["ids"] as? Int == count, "\(rows)")
        try await server.stop()
    }

    /// With `--auth required`, a key made by `tradewatch keys create` stores the records, sent as
    /// `Authorization: Token <key>`; a wrong key is refused (401): not retried, counted as rejected.
    @Test func anAPIKeyIsSentAndAWrongOneIsRejectedNotRetried() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let key = try await TradewatchProcess.createKey(dataDirectory: data, scopes: "read,write")
        let server = try TradewatchProcess(dataDirectory: data, arguments: ["--auth", "required"])
        let base = try await server.waitUntilListening()

        let recorder = TradewatchRecorder(configuration: .init(baseURL: base, apiKey: key))
        for index in 0..<20 { recorder.record(metric: Metric(name: "client.keyed", value: Double(index))) }
        await recorder.shutdown()
        #expect(recorder.statistics.sent == 20)
        #expect(recorder.statistics.rejected == 0)

        let capture = LogCapture()
        let stranger = TradewatchRecorder(configuration: .init(baseURL: base, apiKey: "tw_not-a-key"), logger: capture.logger)
        for index in 0..<5 { stranger.record(metric: Metric(name: "client.unkeyed", value: Double(index))) }
        await stranger.shutdown()
        #expect(stranger.statistics.rejected == 5)
        #expect(stranger.statistics.failedAttempts == 0)
        #expect(capture.entries.first { $0.level == .error }?.metadata["status"] == "401")

        let rows = try await QueryClient(base: base, apiKey: key).sql(
            "SELECT name, count(*) AS n FROM metrics WHERE name LIKE 'client.%' GROUP BY name")
        #expect(rows.map { $0["name"] as? String } == ["client.keyed"])
        #expect(rows.first?["n"] as? Int == 20)
        try await server.stop()
    }
}
