import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchStorage
import TradewatchTestSupport

/// A request's correlation id reaches its response, its log lines, its errors and its rows.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CorrelationTests {
    func post(_ url: URL, _ body: String, headers: [String: String]) async throws -> (HTTPURLResponse, String) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return (try #require(response as? HTTPURLResponse), String(decoding: data, as: UTF8.self))
    }

    @Test func requestIdFollowsTheRequestEverywhere() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        let base = try await server.waitUntilListening()
        let logs = base.appendingPathComponent("api/v1/logs")

        let (accepted, _) = try await post(
            logs, #"{"logs":[{"ts":"2026-01-01T00:00:00Z","level":"info","message":"order o-1 sent","correlation_id":"abc"}]}"#,
            headers: ["X-Request-ID": "abc", "Content-Type": "application/json"])
        #expect(accepted.statusCode == 204)
        #expect(accepted.value(forHTTPHeaderField: "X-Request-ID") == "abc")

        let (tagged, _) = try await post(
            base.appendingPathComponent("write"),
            "logs,level=info message=\"order o-1 filled\" 1767225601000000000\nexecutions,order_id=o-1,symbol=AAPL qty=1,price=2 1767225601000000000",
            headers: ["X-Request-ID": "abc"])
        #expect(tagged.statusCode == 204)

        let (refused, problem) = try await post(
            logs, #"{"logs":[{"ts":"soon","level":"info","message":"x"}]}"#, headers: ["X-Request-ID": "abc"])
        #expect(refused.statusCode == 400)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(problem.utf8)) as? [String: Any])
        #expect(document["correlation_id"] as? String == "abc")

        // A W3C traceparent's trace id becomes the id; without either header one is made.
        let (traced, _) = try await post(
            base.appendingPathComponent("write"), "cpu value=1",
            headers: ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"])
        #expect(traced.value(forHTTPHeaderField: "X-Request-ID") == "4bf92f3577b34da6a3ce929d0e0e4736")
        let (plain, _) = try await post(base.appendingPathComponent("write"), "cpu value=2", headers: [:])
        let generated = try #require(plain.value(forHTTPHeaderField: "X-Request-ID"))
        #expect(generated.count == 32 && generated.allSatisfy(\.isHexDigit))
        // An id that could forge log lines is replaced.
        let (forged, _) = try await post(base.appendingPathComponent("write"), "cpu value=3", headers: ["X-Request-ID": "a\"b c"])
        #expect(forged.value(forHTTPHeaderField: "X-Request-ID") != "a\"b c")

        // The query endpoints reconstruct the order's story from the id.
        let window = "start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&correlation_id=abc"
        let story = try await get(URL(string: base.absoluteString + "/api/v1/logs?\(window)")!)
        let storyRows = (try JSONSerialization.jsonObject(with: story.body) as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(storyRows?.compactMap { $0["message"] as? String } == ["order o-1 sent", "order o-1 filled"])
        let fills = try await get(URL(string: base.absoluteString + "/api/v1/executions?\(window)")!)
        let fillRows = (try JSONSerialization.jsonObject(with: fills.body) as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(fillRows?.compactMap { $0["order_id"] as? String } == ["o-1"])

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        // Every access line is JSON; those of the two "abc" requests carry it.
        let accessLines = server.standardOutput.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.filter { $0["message"] as? String == "request" }
        let abc = accessLines.filter { $0["correlation_id"] as? String == "abc" }
        #expect(abc.count == 3)
        let logsRequests = abc.filter { ($0["metadata"] as? [String: String])?["path"] == "/api/v1/logs" }
        let statuses = logsRequests.compactMap { ($0["metadata"] as? [String: String])?["status"] }
        #expect(statuses.sorted() == ["204", "400"])
        #expect(abc.allSatisfy { ($0["metadata"] as? [String: String])?["client"]?.isEmpty == false })

        let stores = try Stores(dataDirectory: data)
        let rows = try await stores.analytics.read {
            try $0.query("SELECT message FROM logs WHERE correlation_id = 'abc' ORDER BY ts").rows()
        }
        let execution = try await stores.analytics.read {
            try $0.query("SELECT order_id FROM executions WHERE correlation_id = 'abc'").rows()
        }
        await stores.close(logger: .init(label: "test"))
        // The row that named the id keeps it; the rows that named none took the request's.
        #expect(rows == [[.string("order o-1 sent")], [.string("order o-1 filled")]])
        #expect(execution == [[.string("o-1")]])
    }
}
