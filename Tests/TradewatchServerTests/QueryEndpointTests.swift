import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport

/// One HTTP exchange with a real server: status, lower-cased headers, body.
private typealias Exchange = HTTPExchange

private func request(_ url: URL, method: String = "GET", body: String? = nil) async throws -> Exchange {
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.httpBody = body.map { Data($0.utf8) }
    return try await exchange(request)
}

private func url(_ base: URL, _ pathAndQuery: String) -> URL { URL(string: base.absoluteString + pathAndQuery)! }

private let day = "start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z"

/// Writes line protocol and returns the commit sequence the server acknowledged.
@discardableResult
private func write(_ base: URL, _ lines: String) async throws -> Int {
    let response = try await request(url(base, "/write?precision=s"), method: "POST", body: lines)
    #expect(response.status == 204, "write failed: \(response.text)")
    return Int(response.headers["x-tradewatch-commit"] ?? "") ?? -1
}

/// The query endpoints of a real server, with data written through the write endpoints.
@Suite(.serialized, .timeLimit(.minutes(5))) struct QueryEndpointTests {
    @Test func historyPagesWithCursorsThatStayCorrectWhileRowsArrive() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        // 1767225600 is 2026-01-01T00:00:00Z.
        try await write(base, (0..<25).map { "trades,symbol=AAPL,venue=X,desk=eq price=\(100 + $0),qty=1 \(1_767_225_600 + $0)" }.joined(separator: "\n"))
        try await write(base, "trades,symbol=MSFT,venue=Y price=300,qty=2 1767225605")

        var seen: [Double] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await request(url(base, "/api/v1/trades?\(day)&symbol=AAPL&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")))
            #expect(page.status == 200, "\(page.text)")
            seen += page.rows.compactMap { $0["price"] as? Double }
            cursor = page.json["next"] as? String
            #expect(page.headers["x-tradewatch-next-cursor"] == cursor)
            if pages == 0 {
                // Rows arriving between pages: one after the cursor (must appear), one before it (must not).
                try await write(base, "trades,symbol=AAPL,venue=X price=999,qty=1 1767225700\ntrades,symbol=AAPL,venue=X price=1,qty=1 1767225601")
            }
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen == (0..<25).map { Double(100 + $0) } + [999])

        let descending = try await request(url(base, "/api/v1/trades?\(day)&order=desc&limit=2&venue=Y,X"))
        #expect(descending.rows.compactMap { $0["price"] as? Double } == [999, 124])
        let labelled = try await request(url(base, "/api/v1/trades?\(day)&label.desk=eq&limit=1000"))
        #expect(labelled.rows.count == 25)
        #expect((labelled.rows.first?["labels"] as? [String: Any])?["desk"] as? String == "eq")
        #expect(labelled.rows.first?["ts"] as? String == "2026-01-01T00:00:00.000000000Z")

        let ndjson = try await request(url(base, "/api/v1/trades?\(day)&symbol=MSFT&format=ndjson"))
        #expect(ndjson.headers["content-type"]?.hasPrefix("application/x-ndjson") == true)
        #expect(ndjson.text == #"{"ts":"2026-01-01T00:00:05.000000000Z","symbol":"MSFT","venue":"Y","price":300.0,"qty":2.0,"side":null,"trade_id":null,"labels":null}"# + "\n")
        let csv = try await request(url(base, "/api/v1/trades?\(day)&symbol=MSFT&format=csv"))
        #expect(csv.text == "ts,symbol,venue,price,qty,side,trade_id,labels\n2026-01-01T00:00:05.000000000Z,MSFT,Y,300.0,2.0,,,\n")

        for (query, detail) in [
            ("symbl=AAPL", "unknown parameter symbl"),
            ("start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z", "must be before end"),
            ("cursor=not-a-cursor", "parameter cursor is malformed"),
            ("limit=0", "parameter limit must be between 1 and 100000000"),
            ("order=up", "parameter order must be one of asc, desc"),
            ("format=xml", "parameter format must be one of json, ndjson, csv"),
        ] {
            let refused = try await request(url(base, "/api/v1/trades?\(query)"))
            #expect(refused.status == 400, "\(query)")
            #expect(refused.headers["content-type"] == "application/problem+json")
            #expect((refused.json["detail"] as? String)?.contains(detail) == true, "\(query): \(refused.text)")
        }
        let foreignCursor = try await request(url(base, "/api/v1/trades?\(day)&symbol=MSFT&cursor=\(cursorOf(base) ?? "")"))
        #expect((foreignCursor.json["detail"] as? String)?.contains("belongs to a query with other filters") == true)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    private func cursorOf(_ base: URL) async throws -> String? {
        try await request(url(base, "/api/v1/trades?\(day)&symbol=AAPL&limit=1")).json["next"] as? String
    }

    @Test func latestValuesFollowCommitsAndSurviveRestart() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        var server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        var base = try await server.waitUntilListening()
        try await write(base, """
            cpu,host=a,symbol=S1 value=0.5 1767225600
            cpu,host=a,symbol=S1 value=0.7 1767225660
            cpu,host=b,symbol=S2 value=0.1 1767225600
            mem free=10i 1767225600
            trades,symbol=AAPL,venue=X price=10,qty=1,side="buy" 1767225600
            trades,symbol=AAPL,venue=Y price=11,qty=2,side="sell" 1767225601
            """)
        // An older row arriving late does not replace the latest.
        try await write(base, "trades,symbol=AAPL,venue=Z price=5,qty=9 1767225500\ncpu,host=a,symbol=S1 value=9 1767225000")
        for _ in 0..<2 {
            let metrics = try await request(url(base, "/api/v1/metrics/latest?name=cpu"))
            #expect(metrics.rows.map { "\($0["symbol"] ?? "")=\($0["value"] ?? "")" } == ["S1=0.7", "S2=0.1"])
            let host = try await request(url(base, "/api/v1/metrics/latest?prefix=cp&label.host=b"))
            #expect(host.rows.count == 1 && host.rows.first?["symbol"] as? String == "S2")
            let memory = try await request(url(base, "/api/v1/metrics/latest?name=mem.free"))
            #expect(memory.rows.first?["value"] as? Double == 10)
            let trades = try await request(url(base, "/api/v1/trades/latest?symbol=AAPL"))
            #expect(trades.rows.first?["price"] as? Double == 11)
            #expect(trades.rows.first?["ts"] as? String == "2026-01-01T00:00:01.000000000Z")
            // The same answers come back from the database after a restart.
            server.signal(SIGTERM)
            #expect(try await server.waitForExit() == 0)
            server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
            base = try await server.waitUntilListening()
        }
        let unknown = try await request(url(base, "/api/v1/trades/latest?ticker=AAPL"))
        #expect(unknown.status == 400)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func keptLatestAnswersChangeWithTheValuesAndBadRequestsStayRefused() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        try await write(base, "cpu,symbol=S1 value=1 1767225600")
        let first = try await request(url(base, "/api/v1/metrics/latest?name=cpu"))
        let again = try await request(url(base, "/api/v1/metrics/latest?name=cpu"))
        #expect(first.status == 200 && again.text == first.text)
        #expect(again.rows.first?["value"] as? Double == 1)
        // A newer value: the kept answer is not served any more, and read-your-writes holds.
        let commit = try await write(base, "cpu,symbol=S1 value=2 1767225660")
        let newer = try await request(url(base, "/api/v1/metrics/latest?name=cpu"))
        #expect(newer.rows.first?["value"] as? Double == 2)
        let waited = try await request(url(base, "/api/v1/metrics/latest?name=cpu&min_commit=\(commit)"))
        #expect(waited.rows.first?["value"] as? Double == 2)
        // A refused request is refused every time, beside a kept answer for a valid one.
        for _ in 0..<2 {
            let bad = try await request(url(base, "/api/v1/metrics/latest?name=cpu&nmae=x"))
            #expect(bad.status == 400 && bad.text.contains("nmae"))
            let badCommit = try await request(url(base, "/api/v1/metrics/latest?name=cpu&min_commit=x"))
            #expect(badCommit.status == 400)
        }
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func sqlIsReadOnlyLimitedAndCancellable() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        let commit = try await write(base, "trades,symbol=AAPL,venue=X price=10,qty=1 1767225600\ntrades,symbol=MSFT,venue=X price=20,qty=3 1767225601")
        let sql = url(base, "/api/v1/query")

        let answer = try await request(
            url(base, "/api/v1/query?min_commit=\(commit)"), method: "POST",
            body: #"{"sql": "SELECT symbol, price, [1, 2] AS list FROM trades WHERE price > ? ORDER BY symbol;", "params": [5]}"#)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["row_count"] as? Int == 2)
        #expect(answer.json["truncated"] as? Bool == false)
        #expect((answer.json["columns"] as? [[String: Any]])?.compactMap { $0["type"] as? String } == ["VARCHAR", "DOUBLE", "VARCHAR"])
        #expect((answer.json["rows"] as? [[Any]])?.first?.first as? String == "AAPL")
        #expect((answer.json["rows"] as? [[Any]])?.first?.last as? String == "[1, 2]")

        let limited = try await request(sql, method: "POST", body: #"{"sql": "SELECT * FROM range(100)", "max_rows": 7}"#)
        #expect(limited.json["row_count"] as? Int == 7)
        #expect(limited.json["truncated"] as? Bool == true)
        let csv = try await request(url(base, "/api/v1/query?format=csv"), method: "POST", body: #"{"sql": "SELECT 1 AS a, 'x,y' AS b"}"#)
        #expect(csv.text == "a,b\n1,\"x,y\"\n")

        for (statement, detail) in [
            ("DELETE FROM trades", "only a single SELECT"),
            ("INSERT INTO trades (ts, symbol, price, qty) VALUES (now(), 'X', 1, 1)", "only a single SELECT"),
            ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
            ("COPY trades TO '/tmp/tradewatch-copy.csv'", "file system operations are disabled"),
            ("ATTACH '/tmp/tradewatch-other.duckdb'", "this is ATTACH"),
            ("INSTALL httpfs", "only a single SELECT"),
            ("SELECT 1; SELECT 2", "multiple statements"),
            ("SELEC 1", "syntax error"),
            ("SET threads = 1", "only a single SELECT"),
        ] {
            let refused = try await request(sql, method: "POST", body: "{\"sql\": \"\(statement)\"}")
            #expect(refused.status == 400, "\(statement): \(refused.text)")
            #expect((refused.json["detail"] as? String)?.contains(detail) == true, "\(statement): \(refused.text)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/tradewatch-copy.csv"))
        let stillThere = try await request(sql, method: "POST", body: #"{"sql": "SELECT count(*) FROM trades"}"#)
        #expect((stillThere.json["rows"] as? [[Any]])?.first?.first as? Int == 2)
        let listParameter = try await request(sql, method: "POST", body: #"{"sql": "SELECT ?", "params": [[1, 2]]}"#)
        #expect(listParameter.status == 400 && (listParameter.json["detail"] as? String)?.hasPrefix("params[0] must be") == true)
        let badBody = try await request(sql, method: "POST", body: #"{"query": "SELECT 1"}"#)
        #expect((badBody.json["detail"] as? String)?.contains("field sql is missing") == true)

        let slow = #"{"sql": "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3", "timeout_ms": 300}"#
        let timedOut = try await request(sql, method: "POST", body: slow)
        #expect(timedOut.status == 408)
        #expect((timedOut.json["detail"] as? String) == "the query ran longer than 300 ms and was stopped")

        // A long query shows in the list with its progress and stops when cancelled by id.
        let long = Task { try await request(sql, method: "POST", body: #"{"sql": "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3"}"#) }
        var id: String?
        for _ in 0..<100 where id == nil {
            try await Task.sleep(for: .milliseconds(50))
            let queries = try await request(url(base, "/api/v1/queries"))
            let listed = (queries.json["queries"] as? [[String: Any]])?.first { ($0["sql"] as? String)?.contains("range(100000000000)") == true }
            id = listed?["id"] as? String
        }
        let running = try #require(id)
        #expect(try await request(url(base, "/api/v1/queries/\(running)"), method: "DELETE").status == 204)
        let cancelled = try await long.value
        #expect(cancelled.status == 409, "\(cancelled.text)")
        #expect(try await request(url(base, "/api/v1/queries/\(running)"), method: "DELETE").status == 404)

        // A client that gives up while its statement is still starting cancels it, long before
        // the server's 10 s limit.
        let impatient = Process()
        impatient.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        impatient.arguments = [
            "-s", "-m", "1", "-X", "POST", sql.absoluteString, "-d",
            #"{"sql": "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3"}"#,
        ]
        try impatient.run()
        impatient.waitUntilExit()
        var stillRunning = true
        for _ in 0..<30 where stillRunning {
            let queries = try await request(url(base, "/api/v1/queries"))
            stillRunning = !((queries.json["queries"] as? [Any])?.isEmpty ?? false)
            if stillRunning { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!stillRunning, "the abandoned query kept running")
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func aQueryDuckDBHasNoMemoryForIsARetryable503AndTheServerGoesOn() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--duckdb-memory-limit", "16MB",
        ])
        let base = try await server.waitUntilListening()
        // An 80 MB list cannot be spilled: DuckDB refuses it at a 16 MB limit.
        let big = try await request(
            url(base, "/api/v1/query"), method: "POST", body: #"{"sql": "SELECT list(i) AS l FROM range(10000000) t(i)"}"#)
        #expect(big.status == 503, "\(big.text)")
        #expect(big.headers["retry-after"] == "1")
        let detail = try #require(big.json["detail"] as? String)
        #expect(detail.contains("no memory left") && detail.contains("--duckdb-memory-limit"), "\(detail)")
        // The memory is given back: writes and small queries go on.
        try await write(base, "trades,symbol=AAPL,venue=X price=1,qty=1 1767225600")
        let small = try await request(url(base, "/api/v1/query"), method: "POST", body: #"{"sql": "SELECT count(*) AS n FROM trades"}"#)
        #expect(small.status == 200, "\(small.text)")
        #expect((small.json["rows"] as? [[Any]])?.first?.first as? Int == 1)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func cachedAnswersAreNeverStaleAfterLateWrites() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        try await write(base, "trades,symbol=AAPL,venue=X price=10,qty=1 1767225600")
        let page = url(base, "/api/v1/trades?start=2026-01-01T00:00:00Z&end=2026-01-01T01:00:00Z")
        #expect(try await request(page).headers["x-tradewatch-cache"] == "miss")
        #expect(try await request(page).headers["x-tradewatch-cache"] == "hit")
        // New data outside the window leaves the answer in place…
        try await write(base, "trades,symbol=AAPL,venue=X price=11,qty=1 1767240000")
        let untouched = try await request(page)
        #expect(untouched.headers["x-tradewatch-cache"] == "hit")
        #expect(untouched.rows.count == 1)
        // …a late row inside it replaces it.
        try await write(base, "trades,symbol=AAPL,venue=X price=9,qty=1 1767225630")
        let refreshed = try await request(page)
        #expect(refreshed.headers["x-tradewatch-cache"] == "miss")
        #expect(refreshed.rows.compactMap { $0["price"] as? Double } == [10, 9])
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func bucketsCandlesAndExecutionQualityAnswerOverHTTP() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        try await write(base, """
            latency,symbol=AAPL value=1 1767225600
            latency,symbol=AAPL value=3 1767225630
            latency,symbol=AAPL value=5 1767225720
            trades,symbol=AAPL,venue=X price=10,qty=1,side="buy" 1767225600
            trades,symbol=AAPL,venue=Y price=12,qty=3,side="sell" 1767225610
            quotes,symbol=AAPL bid=9.9,ask=10.1 1767225590
            executions,order_id=o1,strategy=s1,symbol=AAPL,side=buy,venue=X qty=1,price=10.05,fee=0.01,latency_us=120i 1767225601
            """)
        let window = "start=2026-01-01T00:00:00Z&end=2026-01-01T00:04:00Z"
        let buckets = try await request(url(base, "/api/v1/metrics/aggregate?name=latency&bucket=1m&fn=avg,count&fill=zero&\(window)"))
        #expect(buckets.rows.map { "\($0["avg"] ?? "")/\($0["count"] ?? "")" } == ["2.0/2", "0.0/0", "5.0/1", "0.0/0"])
        let csv = try await request(url(base, "/api/v1/metrics/aggregate?name=latency&bucket=2m&fn=max&format=csv&\(window)"))
        #expect(csv.text == "ts,max\n2026-01-01T00:00:00.000000000Z,3.0\n2026-01-01T00:02:00.000000000Z,5.0\n")
        let candles = try await request(url(base, "/api/v1/candles?symbol=AAPL&interval=1m&\(window)"))
        let bar = try #require(candles.rows.first)
        #expect(candles.rows.count == 1)
        #expect(bar["open"] as? Double == 10 && bar["close"] as? Double == 12 && bar["volume"] as? Double == 4)
        #expect(bar["vwap"] as? Double == 11.5)
        let quality = try await request(url(base, "/api/v1/executions/quality?\(window)"))
        let execution = try #require((quality.json["executions"] as? [[String: Any]])?.first)
        #expect(execution["mid"] as? Double == 10 && execution["mid_source"] as? String == "quote")
        let slippage = try #require(execution["slippage_bps"] as? Double)
        #expect(abs(slippage - 50) < 1e-6, "bought 10.05 against a 10.00 mid: 50 bps paid")
        #expect((quality.json["summary"] as? [[String: Any]])?.first?["executions"] as? Int == 1)
        let refused = try await request(url(base, "/api/v1/metrics/aggregate?name=latency&fn=median"))
        #expect(refused.status == 400 && refused.json["parameter"] as? String == "fn")
        let missing = try await request(url(base, "/api/v1/candles?interval=1m"))
        #expect(missing.status == 400 && (missing.json["detail"] as? String)?.contains("symbol") == true)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}
