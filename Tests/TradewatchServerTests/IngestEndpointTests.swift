import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport
import TradewatchStorage

private func send(
    _ url: URL, _ body: Data, headers: [String: String] = [:]
) async throws -> (status: Int, headers: [String: String], body: String) {
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.httpBody = body
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as? HTTPURLResponse
    var fields: [String: String] = [:]
    for (name, value) in http?.allHeaderFields ?? [:] {
        fields[String(describing: name).lowercased()] = String(describing: value)
    }
    return (http?.statusCode ?? 0, fields, String(decoding: data, as: UTF8.self))
}

private func gzip(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    try input.fileHandleForWriting.write(contentsOf: data)
    try input.fileHandleForWriting.close()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
}

/// The write endpoints of a real server, over HTTP.
@Suite(.serialized, .timeLimit(.minutes(3))) struct IngestEndpointTests {
    @Test func writesAreAcknowledgedAfterCommitAndBadRequestsStoreNothing() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data, "--max-body-size", "65536"])
        let base = try await server.waitUntilListening()
        let write = base.appendingPathComponent("write")
        let v2 = URL(string: base.absoluteString + "/api/v2/write?bucket=b&org=o&precision=s")!

        let first = try await send(write, Data("trades,symbol=AAPL,venue=XNAS price=187.25,qty=100i 1767225600000000000\n".utf8))
        #expect(first.status == 204)
        let firstCommit = try #require(first.headers["x-tradewatch-commit"].flatMap { Int64($0) })

        let second = try await send(v2, Data("cpu,host=a value=0.5 1767225600\r\ncpu,host=b value=0.7 1767225601\r\n".utf8))
        #expect(second.status == 204)
        #expect((second.headers["x-tradewatch-commit"].flatMap { Int64($0) } ?? 0) > firstCommit)

        // One bad line among good ones: 400 naming the line, and none of the good lines stored.
        let bad = try await send(write, Data("cpu value=1\ncpu value=2\ncpu value=oops\ncpu value=4\n".utf8))
        #expect(bad.status == 400)
        #expect(bad.headers["content-type"]?.hasPrefix("application/json") == true)
        let error = try JSONSerialization.jsonObject(with: Data(bad.body.utf8)) as? [String: String]
        #expect(error?["code"] == "invalid")
        #expect(error?["message"]?.hasPrefix("line 3") == true, "\(bad.body)")

        let badPrecision = try await send(URL(string: base.absoluteString + "/api/v2/write?precision=h")!, Data("cpu value=1".utf8))
        #expect(badPrecision.status == 400)
        #expect(badPrecision.body.contains("precision"))

        // gzip bodies are inflated; a broken gzip body and an oversized one are refused.
        let zipped = try await send(write, try gzip(Data("cpu,host=z value=9 1767225602000000000\n".utf8)), headers: ["Content-Encoding": "gzip"])
        #expect(zipped.status == 204)
        let broken = try await send(write, Data("not gzip at all".utf8), headers: ["Content-Encoding": "gzip"])
        #expect(broken.status == 400)
        #expect(broken.body.contains("gzip"))
        let bomb = try await send(write, try gzip(Data(repeating: 0x20, count: 2_000_000)), headers: ["Content-Encoding": "gzip"])
        #expect(bomb.status == 413)
        let huge = try await send(write, Data(repeating: 0x20, count: 200_000))
        #expect(huge.status == 413)

        // JSON rows, and a JSON problem naming the item and field.
        let json = try await send(
            base.appendingPathComponent("api/v1/executions"),
            Data(#"{"executions":[{"ts":"2026-01-01T00:00:00.000125Z","order_id":"o-1","symbol":"AAPL","qty":100,"price":187.26,"latency_us":125,"correlation_id":"req-42"}]}"#.utf8),
            headers: ["Content-Type": "application/json"])
        #expect(json.status == 204)
        let problem = try await send(
            base.appendingPathComponent("api/v1/trades"),
            Data(#"{"trades":[{"ts":1,"symbol":"A","price":1,"qty":1},{"ts":2,"symbol":"B","price":1,"qty":-1}]}"#.utf8))
        #expect(problem.status == 400)
        #expect(problem.headers["content-type"] == "application/problem+json")
        #expect(problem.body.contains("trades[1].qty: must not be negative"))

        // The writes above show in the Prometheus exposition.
        let exposition = String(decoding: try await get(base.appendingPathComponent("metrics")).body, as: UTF8.self)
        #expect(exposition.contains(#"tradewatch_ingest_rows_total{table="trades"} 1"#))
        #expect(exposition.contains(#"http_server_requests_total{method="POST",route="/write",status="400"}"#))
        #expect(exposition.contains(#"tradewatch_ingest_commit_duration_seconds_count"#))
        #expect(exposition.contains(#"tradewatch_ingest_parse_duration_seconds_count"#))
        for name in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_threads",
                     "process_uptime_seconds", #"tradewatch_store_size_bytes{store="analytics"}"#,
                     "tradewatch_duckdb_memory_bytes"] {
            #expect(exposition.contains(name), "missing \(name)")
        }

        // What InfluxDB clients and Telegraf call before writing.
        #expect(try await get(base.appendingPathComponent("ping")).status == 204)
        #expect(try await get(base.appendingPathComponent("api/v2/ping")).status == 204)
        let create = try await send(URL(string: base.absoluteString + "/query?q=CREATE+DATABASE+%22telegraf%22")!, Data())
        #expect(create.status == 200)
        #expect(create.body == #"{"results":[{"statement_id":0}]}"#)
        let select = try await send(URL(string: base.absoluteString + "/query?q=SELECT+*+FROM+cpu")!, Data())
        #expect(select.status == 400)

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        let stores = try Stores(dataDirectory: data)
        let rows = try await stores.analytics.read { connection in
            try connection.query("""
                SELECT (SELECT count(*) FROM trades), (SELECT count(*) FROM metrics), (SELECT count(*) FROM executions),
                       (SELECT string_agg(labels, ',' ORDER BY ts) FROM metrics), (SELECT max(latency_us) FROM executions)
                """).rows()
        }
        await stores.close(logger: .init(label: "test"))
        #expect(rows.count == 1)
        #expect(rows.first?[0] == .int64(1))
        #expect(rows.first?[1] == .int64(3), "only the three accepted metric lines are stored")
        #expect(rows.first?[2] == .int64(1))
        #expect(rows.first?[3] == .string(#"{"host":"a"},{"host":"b"},{"host":"z"}"#))
        #expect(rows.first?[4] == .int64(125))
    }

    @Test func aGzipBodyIsInflatedWholeOrRefused() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        let base = try await server.waitUntilListening()
        let write = base.appendingPathComponent("write")
        let gzipped = ["Content-Encoding": "gzip"]
        func lines(_ host: String) -> Data {
            Data((1...500).map { "cpu,host=\(host) value=\($0) \(1_767_225_600_000_000_000 + $0)\n" }.joined().utf8)
        }

        // Two members one after the other (cat a.gz b.gz): both are stored.
        let members = try await send(write, try gzip(lines("a")) + gzip(lines("b")), headers: gzipped)
        #expect(members.status == 204, "\(members.body)")

        // A body cut short anywhere is refused, even where what was inflated ends on a whole line.
        let whole = try gzip(lines("c"))
        for cut in [10, whole.count / 4, whole.count / 2, whole.count - 9, whole.count - 8, whole.count - 4, whole.count - 1] {
            let cutShort = try await send(write, whole.prefix(cut), headers: gzipped)
            #expect(cutShort.status == 400, "cut at \(cut) of \(whole.count): \(cutShort.status) \(cutShort.body)")
            #expect(cutShort.body.contains("gzip body is incomplete"), "\(cutShort.body)")
        }
        // Bytes after the last member that are not gzip are refused too.
        let trailing = try await send(write, whole + Data("cpu value=1\n".utf8), headers: gzipped)
        #expect(trailing.status == 400)
        #expect(trailing.body.contains("not valid gzip"), "\(trailing.body)")

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        let stores = try Stores(dataDirectory: data)
        let counts = try await stores.analytics.read { connection in
            try connection.query("""
                SELECT count(*) FILTER (WHERE labels::VARCHAR = '{"host":"a"}'),
                       count(*) FILTER (WHERE labels::VARCHAR = '{"host":"b"}'),
                       count(*) FILTER (WHERE labels::VARCHAR = '{"host":"c"}')
                FROM metrics
                """).rows()
        }
        await stores.close(logger: .init(label: "test"))
        #expect(counts == [[.int64(500), .int64(500), .int64(0)]])
    }

    @Test func fullQueueAnswers503WithRetryAfterAndDropsNothing() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        // A tiny queue, and commits that wait a second for company: the first request stays queued.
        let server = try ServerProcess([
            "serve", "--port", "0", "--data-dir", data, "--ingest-queue-rows", "1000", "--commit-delay-ms", "1000",
        ])
        let base = try await server.waitUntilListening()
        let write = base.appendingPathComponent("write")
        func lines(_ count: Int, from start: Int) -> Data {
            Data((start..<start + count).map { "fills,symbol=AAPL qty=\($0)i \($0 + 1)" }.joined(separator: "\n").utf8)
        }
        let first = Task { try await send(write, lines(800, from: 0)) }
        try await Task.sleep(for: .milliseconds(300))
        let refused = try await send(write, lines(300, from: 800))
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "1")
        #expect(refused.body.contains("queue is full"))
        #expect(try await first.value.status == 204)
        // Retrying after the queue drained succeeds.
        #expect(try await send(write, lines(300, from: 800)).status == 204)

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        let stores = try Stores(dataDirectory: data)
        let count = try await stores.analytics.read { try $0.query("SELECT count(*), count(DISTINCT value) FROM metrics").rows() }
        await stores.close(logger: .init(label: "test"))
        #expect(count == [[.int64(1100), .int64(1100)]])
    }
}
