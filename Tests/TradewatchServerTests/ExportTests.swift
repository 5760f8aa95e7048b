import Foundation
import Logging
import Testing
import TradewatchStorage
import TradewatchTestSupport

/// A full export streams from DuckDB's chunks to the socket: the server's memory stays flat.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ExportTests {
    static let rows = 10_000_000

    @Test func tenMillionRowCSVExportStreamsWithFlatMemory() async throws {
        // Writing ten million rows takes this process's memory up: not while another test
        // measures its own.
        try await MemoryIntensive.exclusive { try await exportTenMillionRows() }
    }

    private func exportTenMillionRows() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        try await Self.writeTrades(dataDirectory: data)
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        let base = try await server.waitUntilListening()
        let before = try residentBytes(server.pid)
        let export = Process()
        export.executableURL = URL(fileURLWithPath: "/bin/bash")
        let url = "\(base.absoluteString)/api/v1/trades?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&format=csv"
        export.arguments = ["-c", "set -o pipefail; curl -sf '\(url)&limit=100000000' | wc -l"]
        let output = Pipe()
        export.standardOutput = output
        try export.run()
        var peak = before
        while export.isRunning {
            peak = max(peak, (try? residentBytes(server.pid)) ?? peak)
            try await Task.sleep(for: .milliseconds(50))
        }
        let lines = Int(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(lines == Self.rows + 1, "the export has a header and every row")
        let head = try await get(URL(string: url + "&limit=1")!)
        #expect(String(decoding: head.body, as: UTF8.self) == "ts,symbol,venue,price,qty,side,trade_id,labels\n2026-01-01T00:00:00.000000000Z,S0,V0,100.0,1.0,buy,,\n")
        let growth = peak - before
        #expect(growth < 100 << 20, "the server grew by \(growth >> 20) MiB while exporting \(Self.rows) rows")
        print("export of \(Self.rows) rows: server RSS \(before >> 20) MiB before, peak \(peak >> 20) MiB")

        // Streamed pages (over 10,000 rows) stay in order across the windows they are read in,
        // both ways, and their cursor continues exactly after the last row.
        let ascending = try await get(URL(string: url.replacingOccurrences(of: "csv", with: "ndjson") + "&limit=150000")!)
        let times = Self.timestamps(ascending.body)
        #expect(times.count == 150_000)
        #expect(times == (0..<150_000).map { Self.time(millisecond: $0) })
        let descending = try await get(URL(string: url.replacingOccurrences(of: "csv", with: "ndjson") + "&limit=70000&order=desc")!)
        #expect(Self.timestamps(descending.body) == (0..<70_000).map { Self.time(millisecond: Self.rows - 1 - $0) })
        let page = try await get(URL(string: url.replacingOccurrences(of: "csv", with: "json") + "&limit=100000")!)
        let next = try #require(((try JSONSerialization.jsonObject(with: page.body)) as? [String: Any])?["next"] as? String)
        let after = try await get(URL(string: url.replacingOccurrences(of: "csv", with: "ndjson") + "&limit=2&cursor=\(next)")!)
        #expect(Self.timestamps(after.body) == [Self.time(millisecond: 100_000), Self.time(millisecond: 100_001)])
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    /// The `ts` of each NDJSON line.
    private static func timestamps(_ body: Data) -> [String] {
        String(decoding: body, as: UTF8.self).split(separator: "\n").map { line in
            String(line.dropFirst(#"{"ts":""#.count).prefix(30))
        }
    }

    /// The timestamp of generated row `millisecond`.
    private static func time(millisecond: Int) -> String {
        let seconds = millisecond / 1000
        return String(
            format: "2026-01-01T%02d:%02d:%02d.%03d000000Z", seconds / 3600, seconds / 60 % 60, seconds % 60, millisecond % 1000)
    }

    /// Ten million trades written straight into a store, as if ingested before the server
    /// started; the store is released (and its file unlocked) on return.
    private static func writeTrades(dataDirectory: String) async throws {
        let stores = try Stores(dataDirectory: dataDirectory)
        try await stores.analytics.write { connection in
            try connection.execute("""
                INSERT INTO trades
                SELECT make_timestamp_ns(1767225600000000000 + i * 1000000), 'S' || (i % 200), 'V' || (i % 4),
                    100 + (i % 1000) / 10.0, 1 + i % 7, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, NULL, NULL, NULL
                FROM range(\(rows)) t(i)
                """)
        }
        await stores.close(logger: Logger(label: "test"))
    }

    private func residentBytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}
