import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport

/// `tradewatch simulate` as a user runs it, against a real server: every simulated record is
/// stored, and the stored desk keeps the simulator's promises (fills tied to their log lines,
/// positions equal to the signed sum of fills).
@Suite("tradewatch simulate against a live server")
struct SimulateCommandTests {
    private func sql(_ base: URL, _ text: String) async throws -> [[Any]] {
        var request = URLRequest(url: base.appendingPathComponent("api/v1/query"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["sql": text])
        let (data, _) = try await URLSession.shared.data(for: request)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(json?["rows"] as? [[Any]], "answer: \(String(decoding: data, as: UTF8.self))")
    }

    @Test func aTimedRunStoresEverythingItSentAndItsInvariantsHoldInTheStore() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()
        let simulate = try ServerProcess([
            "simulate", "--url", base.absoluteString, "--rate", "500", "--duration", "4", "--seed", "7",
            "--progress-interval", "1",
        ])
        #expect(try await simulate.waitForExit(timeout: .seconds(60)) == 0, "\(simulate.standardError)")
        let output = simulate.standardOutput + simulate.standardError
        #expect(!output.isEmpty)

        // Every table the simulator feeds has rows.
        for table in ["trades", "quotes", "candles", "executions", "performance", "logs", "metrics"] {
            let count = try await sql(base, "SELECT count(*) FROM \(table)")
            #expect((count.first?.first as? Int ?? 0) > 0, "\(table) is empty")
        }
        // Every execution's correlation id has its order's sent, acknowledged and fill lines.
        let orphans = try await sql(base, """
            SELECT count(*) FROM executions e WHERE NOT EXISTS (
                SELECT 1 FROM logs l WHERE l.correlation_id = e.correlation_id AND l.message = 'order sent')
            OR NOT EXISTS (SELECT 1 FROM logs l WHERE l.correlation_id = e.correlation_id AND l.message = 'order acknowledged')
            OR NOT EXISTS (SELECT 1 FROM logs l WHERE l.correlation_id = e.correlation_id AND l.message LIKE '%filled%')
            """)
        #expect(orphans.first?.first as? Int == 0)
        // The last performance sample of each strategy holds the signed sum of its fills.
        let mismatches = try await sql(base, """
            WITH fills AS (
                SELECT strategy, sum(CASE side WHEN 'buy' THEN qty ELSE -qty END) AS position FROM executions GROUP BY strategy),
            last AS (SELECT strategy, arg_max(position, ts) AS position FROM performance GROUP BY strategy)
            SELECT count(*) FROM last LEFT JOIN fills USING (strategy)
            WHERE abs(last.position - coalesce(fills.position, 0)) > 1e-9
            """)
        #expect(mismatches.first?.first as? Int == 0)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func aServerThatIsNotThereIsOneClearMessage() async throws {
        let simulate = try ServerProcess(["simulate", "--url", "http://127.0.0.1:1", "--duration", "1"])
        let status = try await simulate.waitForExit(timeout: .seconds(30))
        #expect(status != 0)
        #expect(simulate.standardError.contains("127.0.0.1:1"), "\(simulate.standardError)")
    }
}
