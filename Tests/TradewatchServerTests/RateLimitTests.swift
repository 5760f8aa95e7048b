import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport

/// Rate limits of a real server: exact 429s with their headers, separate budgets per key and
/// per address, concurrent queries, written rows, per-key limits set with `tradewatch keys limits`.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RateLimitTests {
    @Test func theRequestPastTheBurstIsRefusedUntilATokenIsBack() async throws {
        let folder = try TemporaryDirectory()
        // 0.2/s: a token comes back every 5 s, far longer than a few quick requests take even
        // on a busy machine; each one back lets one more request through.
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--query-rate", "0.2", "--query-burst", "5",
        ])
        let base = try await server.waitUntilListening()
        let started = ContinuousClock.now
        var passed: [LimitAnswer] = []
        var refusal: LimitAnswer?
        for _ in 0..<20 where refusal == nil {
            let answer = try await limitCall("GET", base, "/api/v1/metrics/latest")
            if answer.status == 429 { refusal = answer } else { passed.append(answer) }
        }
        let elapsed = (ContinuousClock.now - started).components.seconds
        let refused = try #require(refusal, "20 queries passed a burst of 5")
        #expect(passed.count >= 5 && passed.count <= 5 + Int(elapsed / 5) + 1, "\(passed.count) passed in \(elapsed) s")
        #expect(passed.allSatisfy { $0.status == 200 && $0.headers["ratelimit-limit"] == "5" })
        #expect(passed.first?.headers["ratelimit-remaining"] == "4")
        #expect(refused.headers["content-type"] == "application/problem+json")
        let retryAfter = try #require(refused.headers["retry-after"].flatMap(Int.init))
        #expect((1...5).contains(retryAfter))
        #expect(refused.headers["ratelimit-limit"] == "5")
        #expect(refused.headers["ratelimit-remaining"] == "0")
        #expect(refused.headers["ratelimit-reset"].flatMap(Int.init).map { (1...25).contains($0) } == true)
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: Any])
        #expect(problem["budget"] as? String == "queries")
        #expect(problem["status"] as? Int == 429)
        #expect((problem["detail"] as? String)?.contains("query rate limit of address 127.0.0.1 exceeded (0.2/s, burst 5)") == true)
        // Open routes are never limited.
        #expect(try await limitCall("GET", base, "/health").status == 200)
        #expect(try await limitCall("GET", base, "/metrics").status == 200)
        // Another address has its own bucket.
        let other = try RawConnection(port: try #require(base.port), source: "127.0.0.2")
        other.send("GET /api/v1/metrics/latest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(try await other.readUntilClosed(timeout: .seconds(5)).data.httpStatus == 200)
        try await Task.sleep(for: .seconds(retryAfter))
        #expect(try await limitCall("GET", base, "/api/v1/metrics/latest").status == 200)
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_rate_limited_total{budget="queries"} 1"#), "\(metrics)")
    }

    @Test func keysHaveTheirOwnBucketsAndTheirOwnLimits() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let fast = try await createKey("fast", data)
        let slow = try await createKey("slow", data)
        let set = try await ServerProcess.run(["keys", "limits", "slow", "--query-rate", "0.1", "--query-burst", "2", "--data-dir", data])
        #expect(set.status == 0, "\(set.errors)")
        #expect(set.output.contains("query-rate              0.1"), "\(set.output)")
        #expect(set.output.contains("query-burst             2"))
        #expect(set.output.contains("write-rate              server's"))
        let bad = try await ServerProcess.run(["keys", "limits", "slow", "--query-rate", "fast", "--data-dir", data])
        #expect(bad.status != 0)
        #expect(bad.errors.contains("--query-rate fast is not a number of at least 0, off or default"), "\(bad.errors)")
        let unknown = try await ServerProcess.run(["keys", "limits", "nobody", "--query-rate", "1", "--data-dir", data])
        #expect(unknown.status != 0)
        #expect(unknown.errors.contains("no API key is named or has the id \"nobody\""), "\(unknown.errors)")

        let server = try ServerProcess([
            // A token back every 10 s: none comes back during the few requests below.
            "serve", "--port", "0", "--data-dir", data, "--query-rate", "0.1", "--query-burst", "4",
        ])
        let base = try await server.waitUntilListening()
        for _ in 0..<2 { #expect(try await limitCall("GET", base, "/api/v1/metrics/latest", key: slow).status == 200) }
        let refused = try await limitCall("GET", base, "/api/v1/metrics/latest", key: slow)
        #expect(refused.status == 429)
        #expect(refused.headers["ratelimit-limit"] == "2")
        #expect(refused.body.contains(#"API key \"slow\""#), "\(refused.body)")
        // The same address with another key, and without a key, draws on other buckets.
        for _ in 0..<4 { #expect(try await limitCall("GET", base, "/api/v1/metrics/latest", key: fast).status == 200) }
        #expect(try await limitCall("GET", base, "/api/v1/metrics/latest", key: fast).status == 429)
        #expect(try await limitCall("GET", base, "/api/v1/metrics/latest").status == 200)

        // Changed while the server runs: applied within seconds.
        let off = try await ServerProcess.run(["keys", "limits", "slow", "--query-rate", "off", "--data-dir", data])
        #expect(off.status == 0, "\(off.errors)")
        // Three in a row pass only without the limit (its bucket holds two).
        var lifted = false
        for _ in 0..<40 where !lifted {
            try await Task.sleep(for: .milliseconds(250))
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await limitCall("GET", base, "/api/v1/metrics/latest", key: slow).status) }
            lifted = statuses == [200, 200, 200]
        }
        #expect(lifted, "the key's limit was not lifted within 10 s")
    }

    @Test func aClientMayRunOnlySoManyQueriesAtOnce() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--max-concurrent-queries", "1",
        ])
        let base = try await server.waitUntilListening()
        // A query that runs until its 8 s timeout; others are looked for while it runs (a loaded
        // machine may take seconds to start it).
        let slow = #"{"sql":"SELECT count(*) FROM range(1000000000000) a(i) WHERE hash(i) = 7","timeout_ms":8000}"#
        async let long = limitCall("POST", base, "/api/v1/query", body: Data(slow.utf8), contentType: "application/json")
        // Let the long query take the one place first: a probe arriving before it would take the
        // place and have the long query refused instead.
        try await Task.sleep(for: .seconds(1))
        var refused: LimitAnswer?
        var latestWhileRunning: Int?
        let deadline = ContinuousClock.now + .seconds(6)
        while refused == nil, ContinuousClock.now < deadline {
            let answer = try await limitCall("GET", base, "/api/v1/trades?limit=1")
            if answer.status == 429 {
                refused = answer
                // Latest values come from memory at once: they take no place and are not refused.
                latestWhileRunning = try await limitCall("GET", base, "/api/v1/metrics/latest").status
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let answer = try #require(refused, "no query was refused while another ran")
        #expect(latestWhileRunning == 200)
        #expect(answer.headers["retry-after"] == "1")
        #expect(answer.headers["ratelimit-limit"] == "1")
        #expect(answer.body.contains(#""budget":"concurrent_queries""#))
        #expect(answer.body.contains("concurrent query limit of address 127.0.0.1 exceeded (1 at once)"), "\(answer.body)")
        let finished = try await long
        #expect(finished.status != 429)
        // Its place is given back once it has been answered.
        #expect(try await limitCall("GET", base, "/api/v1/trades?limit=1").status == 200)
        #expect(try await limitCall("GET", base, "/api/v1/trades?limit=1").status == 200)
    }

    @Test func rowsAreChargedAfterParsingAndARefusedWriteStoresNothing() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--write-rows-rate", "10",
        ])
        let base = try await server.waitUntilListening()
        func lines(_ count: Int, from start: Int) -> Data {
            Data((start..<start + count).map { "rows,symbol=R value=\($0) \(1_767_225_600_000_000_000 + $0)\n" }.joined().utf8)
        }
        // The bucket holds 20 rows (twice the rate).
        let first = try await limitCall("POST", base, "/api/v2/write", body: lines(18, from: 0))
        #expect(first.status == 204)
        #expect(first.headers["ratelimit-limit"] == "20")
        #expect(first.headers["ratelimit-remaining"] == "2")
        // 19 rows need 17 more tokens: 1.7 s at 10/s.
        let refused = try await limitCall("POST", base, "/api/v2/write", body: lines(19, from: 18))
        #expect(refused.status == 429)
        #expect(refused.headers["retry-after"] == "2")
        #expect(refused.headers["content-type"]?.hasPrefix("application/json") == true)
        let influx = try #require(try JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: Any])
        #expect(influx["code"] as? String == "too many requests")
        #expect((influx["message"] as? String)?.contains("written rows limit of address 127.0.0.1 exceeded (10/s, burst 20)") == true)
        #expect(influx["budget"] as? String == "write_rows")
        let json = #"{"metrics":[{"ts":"2026-01-01T00:00:00Z","name":"rows.value","value":1}]}"#
        // Two tokens left, for JSON writes too: the refused write took none.
        let jsonWrite = try await limitCall("POST", base, "/api/v1/metrics", body: Data(json.utf8), contentType: "application/json")
        #expect(jsonWrite.status == 204)
        try await Task.sleep(for: .seconds(2))
        #expect(try await limitCall("POST", base, "/api/v2/write", body: lines(19, from: 18)).status == 204)
        let count = try await limitCall(
            "POST", base, "/api/v1/query", body: Data(#"{"sql":"SELECT count(*) FROM metrics WHERE name IN ('rows', 'rows.value')"}"#.utf8),
            contentType: "application/json")
        #expect(count.body.contains("[[38]]"), "\(count.body)")
        let metrics = try await limitCall("GET", base, "/metrics").body
        #expect(metrics.contains(#"tradewatch_rate_limited_total{budget="write_rows"} 1"#), "\(metrics)")
    }

    @Test func writeRequestsHaveTheirOwnRate() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", folder.path("data"), "--write-rate", "0.1",
        ])
        let base = try await server.waitUntilListening()
        // Burst: twice the rate, at least one: one write.
        #expect(try await limitCall("POST", base, "/write", body: Data("w value=1\n".utf8)).status == 204)
        let refused = try await limitCall("POST", base, "/write", body: Data("w value=2\n".utf8))
        #expect(refused.status == 429)
        #expect(refused.body.contains(#""budget":"writes""#))
        // Queries draw on another budget.
        #expect(try await limitCall("GET", base, "/api/v1/metrics/latest").status == 200)
    }
}

struct LimitAnswer: Sendable {
    let status: Int
    /// Lowercased names.
    let headers: [String: String]
    let body: String
}

/// One request on a fresh session, answered exactly as the server answered it.
func limitCall(
    _ method: String, _ base: URL, _ path: String, key: String? = nil, body: Data? = nil,
    contentType: String? = nil, headers extra: [String: String] = [:]
) async throws -> LimitAnswer {
    var request = URLRequest(url: try #require(URL(string: base.absoluteString + path)))
    request.httpMethod = method
    request.httpBody = body
    if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
    let session = URLSession(configuration: .ephemeral)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    let fields = http.allHeaderFields.reduce(into: [String: String]()) { $0["\($1.key)".lowercased()] = "\($1.value)" }
    return LimitAnswer(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
}

/// Creates a read,write key with the real command line and returns its secret.
func createKey(_ name: String, _ dataDirectory: String) async throws -> String {
    try await ServerProcess.createKey(name: name, scopes: "read,write", dataDirectory: dataDirectory)
}
