import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport

/// A real server with its collector on: system and process metrics show up in the latest values
/// and in history, as any client's rows would.
@Suite("System metrics through a live server")
struct SystemMetricsTests {
    private func latest(_ base: URL, _ query: String) async throws -> [[String: Any]] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: base.absoluteString + "/api/v1/metrics/latest?" + query)!)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return json?["rows"] as? [[String: Any]] ?? []
    }

    @Test func latestValuesShowSystemAndProcessMetricsWithinSeconds() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", folder.path("data")],
            environment: ["TRADEWATCH_SYSTEM_INTERVAL": "0.2"])
        let base = try await server.waitUntilListening()
        var rows: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            rows = try await latest(base, "prefix=system.cpu.usage_percent")
            if rows.count > 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        // One series per core and the total, told apart by their cpu label.
        let cpus = Set(rows.compactMap { ($0["labels"] as? [String: Any])?["cpu"] as? String })
        #expect(cpus.contains("total"))
        #expect(cpus.count == ProcessInfo.processInfo.activeProcessorCount + 1, "\(cpus.sorted())")
        for row in rows {
            let value = try #require(row["value"] as? Double)
            #expect((0...100).contains(value))
        }
        let memory = try await latest(base, "name=system.memory.total_bytes")
        #expect((memory.first?["value"] as? Double).map { $0 > 0 } == true)
        let process = try await latest(base, "prefix=process.")
        let names = Set(process.compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: ["process.rss_bytes", "process.threads", "process.open_files", "process.cpu_percent"]))
        let fileSystem = try await latest(base, "name=system.filesystem.used_percent")
        let path = (fileSystem.first?["labels"] as? [String: Any])?["path"] as? String
        #expect(path.map { $0.hasSuffix("/data") } == true)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
