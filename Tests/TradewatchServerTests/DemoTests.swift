import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport

/// `serve --demo` (what `make run` starts): a simulated desk fills every table through the
/// server's own write path within seconds; without `--demo` nothing simulated is written.
@Suite("Demo feed inside the server")
struct DemoTests {
    private static let tables = ["trades", "quotes", "candles", "executions", "performance", "logs"]

    /// Rows per table, through the SQL endpoint.
    private func counts(_ base: URL) async throws -> [String: Int] {
        let sql = Self.tables.map { "SELECT '\($0)' AS t, count(*) AS n FROM \($0)" }.joined(separator: " UNION ALL ")
        var request = URLRequest(url: base.appendingPathComponent("api/v1/query"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["sql": sql])
        let (data, _) = try await URLSession.shared.data(for: request)
        let rows = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["rows"] as? [[Any]] ?? []
        return Dictionary(rows.compactMap { row in
            guard let table = row.first as? String, let count = row.last as? Int else { return nil }
            return (table, count)
        }, uniquingKeysWith: { $1 })
    }

    private func latest(_ base: URL, _ query: String) async throws -> [[String: Any]] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: base.absoluteString + "/api/v1/metrics/latest?" + query)!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["rows"] as? [[String: Any]] ?? []
    }

    @Test func demoFillsEveryTableAndSystemMetricsWithinTenSeconds() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", folder.path("data"), "--demo"],
            environment: ["TRADEWATCH_SYSTEM_INTERVAL": "1"])
        let base = try await server.waitUntilListening()
        let deadline = ContinuousClock.now + .seconds(10)
        var seen: [String: Int] = [:]
        var system: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            seen = try await counts(base)
            system = try await latest(base, "prefix=system.")
            if Self.tables.allSatisfy({ (seen[$0] ?? 0) > 0 }) && !system.isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        for table in Self.tables { #expect((seen[table] ?? 0) > 0, "\(table) is empty after 10 s: \(seen)") }
        #expect(!system.isEmpty, "no system metrics after 10 s")
        // The demo's logs tie executions to their orders by correlation id.
        let (data, _) = try await URLSession.shared.data(from: URL(string: base.absoluteString + "/api/v1/executions?limit=1")!)
        let execution = ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["rows"] as? [[String: Any]])?.first
        let correlation = try #require(execution?["correlation_id"] as? String)
        let (logs, _) = try await URLSession.shared.data(
            from: URL(string: base.absoluteString + "/api/v1/logs?correlation_id=\(correlation)&start=0")!)
        let lines = (try JSONSerialization.jsonObject(with: logs) as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        #expect(lines.count >= 2, "log lines of \(correlation): \(lines)")
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        // The feed stops before the HTTP server it writes to: none of its writes fails on the way out.
        let output = server.standardOutput
        #expect(output.contains("Demo feed stopped") && output.contains("failed attempts 0"), "\(output.suffix(2_000))")
        #expect(!output.contains("retrying"), "\(output.suffix(2_000))")
    }

    @Test func demoOnAServerThatRequiresKeysWritesWithItsKeyAndIsRefusedWithoutOne() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let refused = try ServerProcess(["serve", "--port", "0", "--data-dir", data, "--demo", "--auth", "required"])
        #expect(try await refused.waitForExit() == 1)
        #expect(refused.standardError.contains("--demo-api-key"), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: data), "a refused start created the data directory")

        let key = try await ServerProcess.createKey(name: "demo", scopes: "read,write", dataDirectory: data)
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", data, "--demo", "--auth", "required", "--demo-api-key", key])
        let base = try await server.waitUntilListening()
        var trades = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while trades == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            var request = URLRequest(url: base.appendingPathComponent("api/v1/trades/latest"))
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            let (body, _) = try await URLSession.shared.data(for: request)
            trades = ((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["rows"] as? [Any])?.count ?? 0
        }
        #expect(trades > 0, "the demo wrote no trades with its key")
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    /// The feed writes several times a second: its own writes are access-logged at debug, not
    /// info, while every outside write is still logged at info, even one that copies the feed's
    /// `User-Agent` prefix (the feed's carries a secret drawn at start).
    @Test func demoWritesStayOutOfTheAccessLogAtInfo() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data"), "--demo"])
        defer { server.signal(SIGTERM) }
        let base = try await server.waitUntilListening()
        let deadline = ContinuousClock.now + .seconds(10)
        while (try await counts(base)["trades"] ?? 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect((try await counts(base)["trades"] ?? 0) > 0, "the demo wrote nothing in 10 s")
        for agent in ["tradewatch-swift-client", "tradewatch-demo/0123456789abcdef"] {
            var request = URLRequest(url: base.appendingPathComponent("api/v2/write"))
            request.httpMethod = "POST"
            request.setValue(agent, forHTTPHeaderField: "User-Agent")
            request.httpBody = Data("outside,source=test value=1".utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 204)
        }
        // The feed sends every 200 ms: give it a few more writes. Log lines reach standard output
        // within about 20 ms.
        try await Task.sleep(for: .milliseconds(600))
        func writeLines() -> [Substring] {
            server.standardOutput.split(separator: "\n").filter { $0.contains(#""path":"/api/v2/write""#) }
        }
        let linesDeadline = ContinuousClock.now + .seconds(5)
        while writeLines().count < 2, ContinuousClock.now < linesDeadline { try await Task.sleep(for: .milliseconds(50)) }
        let writes = writeLines()
        #expect(writes.count == 2, "\(writes.joined(separator: "\n"))")
        #expect(writes.allSatisfy { $0.contains(#""level":"info""#) })

        let debug = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", folder.path("debug"), "--demo", "--log-level", "debug"])
        defer { debug.signal(SIGTERM) }
        _ = try await debug.waitUntilListening()
        let debugDeadline = ContinuousClock.now + .seconds(10)
        while !debug.standardOutput.contains(#""path":"/api/v2/write""#), ContinuousClock.now < debugDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let logged = debug.standardOutput.split(separator: "\n").first { $0.contains(#""path":"/api/v2/write""#) }
        #expect(logged?.contains(#""level":"debug""#) == true, "at --log-level debug the feed's writes are logged: \(logged ?? "none")")
    }

    @Test func withoutDemoNothingSimulatedIsWritten() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        try await Task.sleep(for: .seconds(2))
        let seen = try await counts(base)
        for table in Self.tables { #expect(seen[table] == 0, "\(table): \(seen)") }
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
