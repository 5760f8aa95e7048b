import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport

/// Candles answered from the in-memory minute bars against a real server, compared byte for byte
/// with the SQL path of the same data (the same folder served with `--candle-memory-hours 0`).
@Suite(.serialized, .timeLimit(.minutes(5))) struct CandlesMemoryTests {
    private typealias Exchange = HTTPExchange

    private static func get(_ base: URL, _ pathAndQuery: String) async throws -> Exchange {
        try await send(URLRequest(url: URL(string: base.absoluteString + pathAndQuery)!))
    }

    private static func send(_ request: URLRequest) async throws -> Exchange {
        try await exchange(request)
    }

    /// Writes line protocol (ns timestamps); returns the acknowledged commit.
    @discardableResult
    private static func write(_ base: URL, _ lines: [String]) async throws -> String {
        var request = URLRequest(url: URL(string: base.absoluteString + "/write?precision=ns")!)
        request.httpMethod = "POST"
        request.httpBody = Data(lines.joined(separator: "\n").utf8)
        let response = try await send(request)
        #expect(response.status == 204, "write failed: \(response.text)")
        return response.headers["x-tradewatch-commit"] ?? ""
    }

    static let minute: Int64 = 60_000_000_000
    /// Three hours of data ending at the last whole minute before now.
    static let end = (Int64(Date().timeIntervalSince1970) / 60 - 1) * 60 * 1_000_000_000
    static let start = end - 180 * minute

    /// Random trades on a coarse price and quantity grid (every sum exact, so any summation
    /// order gives the same bits), on three venues, many sharing a timestamp.
    static func tradeLines(_ count: Int, generator: inout SeededLines) -> [String] {
        var timestamp = start
        return (0..<count).map { _ in
            if generator.below(3) > 0 { timestamp = start + Int64(generator.below(UInt64(180 * minute))) }
            let symbol = ["BTC", "ETH"][Int(generator.below(2))]
            let venue = ["X", "Y", "Z"][Int(generator.below(3))]
            let price = Double(360 + generator.below(81)) / 4, quantity = Double(1 + generator.below(10)) / 2
            return "trades,symbol=\(symbol),venue=\(venue) price=\(price),qty=\(quantity) \(timestamp)"
        }
    }

    /// Candles requests over random ranges, intervals and formats (with and without `limit`).
    static func queries(_ count: Int, generator: inout SeededLines) -> [String] {
        (0..<count).map { index in
            let interval = ["1m", "5m", "1h"][index % 3]
            let format = ["", "&format=json", "&format=ndjson", "&format=csv"][index % 4]
            let from = start - 30 * minute + Int64(generator.below(200)) * minute + Int64(generator.below(59_000_000_000))
            let to = from + (1 + Int64(generator.below(200))) * minute
            let limit = index % 5 == 4 ? "&limit=\(1 + generator.below(8))" : ""
            return "/api/v1/candles?symbol=\(["BTC", "ETH"][index % 2])&interval=\(interval)&start=\(from)&end=\(to)\(format)\(limit)"
        }
    }

    private static func answers(_ base: URL, _ queries: [String]) async throws -> [(body: String, source: String?)] {
        var answers: [(body: String, source: String?)] = []
        for query in queries {
            let response = try await get(base, query)
            #expect(response.status == 200, "\(query): \(response.text)")
            answers.append((response.text, response.headers["x-tradewatch-source"]))
        }
        return answers
    }

    @Test func memoryAnswersEqualSQLInEveryFormatAndSurviveRestart() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        var generator = SeededLines(state: 7)
        var server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        var base = try await server.waitUntilListening()
        for _ in 0..<4 { try await Self.write(base, Self.tradeLines(500, generator: &generator)) }

        // Read your writes: the acknowledged trade is in the very next answer, from memory.
        let late = Self.start + 17 * Self.minute + 5_000_000_000
        let commit = try await Self.write(base, ["trades,symbol=BTC,venue=Y price=1,qty=0.5 \(late)"])
        let window = "symbol=BTC&interval=1m&start=\(Self.start + 17 * Self.minute)&end=\(Self.start + 18 * Self.minute)"
        for query in ["/api/v1/candles?\(window)", "/api/v1/candles?\(window)&min_commit=\(commit)"] {
            let fresh = try await Self.get(base, query)
            #expect(fresh.headers["x-tradewatch-source"] == "memory")
            #expect(fresh.text.contains("\"low\":1.0,"), "\(fresh.text)")
        }

        let queries = Self.queries(60, generator: &generator)
        let memory = try await Self.answers(base, queries)
        #expect(memory.allSatisfy { $0.source == "memory" })
        #expect(memory.filter { $0.body.contains("\"trades\"") || $0.body.contains(",trades\n") }.count > 40)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()

        server = try ServerProcess(["serve", "--port", "0", "--data-dir", data, "--candle-memory-hours", "0"])
        base = try await server.waitUntilListening()
        let sql = try await Self.answers(base, queries)
        #expect(sql.allSatisfy { $0.source == nil })
        for (index, query) in queries.enumerated() {
            #expect(memory[index].body == sql[index].body, "\(query)")
        }
        server.signal(SIGTERM)
        _ = try await server.waitForExit()

        // Started again with the memory on, the bars are reloaded from the store.
        server = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        base = try await server.waitUntilListening()
        let reloaded = try await Self.answers(base, queries)
        #expect(reloaded.map(\.body) == sql.map(\.body))
        #expect(reloaded.allSatisfy { $0.source == "memory" })

        // A stored candle for BTC at 1m sends that pair to SQL, which merges it; 5m stays in memory.
        let stored = Self.end + 30 * Self.minute
        try await Self.write(base, ["candles,symbol=BTC,interval=1m open=5,high=6,low=4,close=5.5,volume=3 \(stored)"])
        let merged = try await Self.get(base, "/api/v1/candles?symbol=BTC&interval=1m&start=\(Self.end - 10 * Self.minute)&end=\(stored + Self.minute)")
        #expect(merged.headers["x-tradewatch-source"] == nil)
        #expect(merged.text.contains("\"source\":\"stored\""))
        let wide = try await Self.get(base, "/api/v1/candles?symbol=BTC&interval=5m&start=\(Self.start)&end=\(Self.end)")
        #expect(wide.headers["x-tradewatch-source"] == "memory")
        // /metrics counts the bars held and the answers of each path since this start.
        let metrics = try await Self.get(base, "/metrics").text
        #expect(metrics.contains("tradewatch_candles_answers{source=\"memory\"} \(queries.count + 1)"), "\(metrics)")
        #expect(metrics.contains("tradewatch_candles_answers{source=\"sql\"} 1"))
        #expect(metrics.contains("tradewatch_candles_memory_symbols 2"))
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func tradesDeletedByRetentionLeaveTheMemoryToo() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", data, "--candle-memory-hours", "72"],
            environment: ["TRADEWATCH_ARCHIVE_INTERVAL": "0"])
        let base = try await server.waitUntilListening()
        let day = ArchiveHTTP.day
        let cutoff = ArchiveHTTP.today() - day  // what `--hot 1d --no-archive` keeps from
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        try await Self.write(base, [
            "trades,symbol=BTC,venue=X price=7,qty=1 \(cutoff - Self.minute)",
            "trades,symbol=BTC,venue=X price=9,qty=1 \(now - 10 * Self.minute)",
        ])
        try await ArchiveHTTP.waitForRollup(base)
        let query = "/api/v1/candles?symbol=BTC&interval=1h&start=\(cutoff - 2 * Self.minute)&format=csv"
        let before = try await Self.get(base, query + "&end=\(now)")
        #expect(before.headers["x-tradewatch-source"] == "memory")
        #expect(before.text.contains(",7.0,"), "\(before.text)")

        try await ArchiveHTTP.retain("trades", ["--hot", "1d", "--no-archive"], dataDirectory: data)
        let report = try await ArchiveHTTP.archive(base)
        #expect((report["deleted_rows"] as? [String: any Sendable])?["trades"] as? Int == 1, "\(report)")
        let after = try await Self.get(base, query + "&end=\(now + 1)")
        #expect(after.headers["x-tradewatch-source"] == "memory")
        #expect(!after.text.contains(",7.0,") && after.text.contains(",9.0,"), "\(after.text)")
        let sql = try await Self.get(base, query + "&end=\(now + 1)&venue=X")
        #expect(sql.headers["x-tradewatch-source"] == nil)
        #expect(sql.text == after.text)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}

/// Deterministic numbers for reproducible test data.
typealias SeededLines = SplitMix64
