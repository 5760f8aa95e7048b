import Foundation
import Testing
import TradewatchTestSupport

/// Retention to Parquet on a real server: queries answer the same before and after their days
/// move to the archive, rows leave DuckDB, files and manifest are right, SQL stays contained,
/// and days past the archive window are deleted.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ArchiveQueryTests {
    static let day = ArchiveHTTP.day
    static let hour: Int64 = 3_600_000_000_000

    /// Every query family over the archived days (and one reaching today's live rows).
    static func queries(today: Int64) -> [String] {
        let start = ArchiveHTTP.time(today - 15 * day)
        let window = "start=\(start)&end=\(ArchiveHTTP.time(today - 8 * day))"
        let oneSecond = "start=\(ArchiveHTTP.time(today - 10 * day))&end=\(ArchiveHTTP.time(today - 10 * day + 4 * hour))"
        return [
            "/api/v1/trades?\(window)&limit=100000",
            "/api/v1/trades?start=\(start)",
            "/api/v1/trades?\(window)&order=desc&limit=7&symbol=AAPL",
            "/api/v1/quotes?\(window)",
            "/api/v1/executions?\(window)&strategy=mm",
            "/api/v1/performance?\(window)",
            "/api/v1/logs?\(window)&service=oms",
            "/api/v1/metrics?\(window)&label.desk=eq&format=ndjson",
            "/api/v1/metrics/aggregate?name=latency&bucket=1h&fn=avg,count,p95,first,last&fill=linear&group=symbol&\(window)",
            "/api/v1/candles?symbol=AAPL&interval=1m&\(window)",
            "/api/v1/candles?symbol=AAPL&interval=1h&\(window)&format=csv",
            "/api/v1/candles?symbol=AAPL&interval=1s&\(oneSecond)",
            "/api/v1/candles?symbol=IBM&interval=1m&\(window)",
            "/api/v1/executions/quality?\(window)",
        ]
    }

    static let statements = [
        "SELECT * EXCLUDE (rowid) FROM trades_all ORDER BY ts, trade_id",
        "SELECT name, symbol, count(*), sum(value) FROM metrics_all GROUP BY ALL ORDER BY ALL",
        "SELECT symbol, \"interval\", count(*), sum(close) FROM candles_all GROUP BY ALL ORDER BY ALL",
        "SELECT count(*), count(DISTINCT trade_id), count(DISTINCT (ts, rowid)) FROM trades_all",
    ]

    /// The answers of `queries`, each made distinct from other phases' so none is served from
    /// the cache (`min_commit` and `max_rows` change the cache key, not the answer).
    static func answers(_ base: URL, _ queries: [String], phase: Int) async throws -> [String] {
        var answers: [String] = []
        for query in queries {
            let answer = try await ArchiveHTTP.send(base, query + "&min_commit=\(phase)")
            #expect(answer.status == 200, "\(query): \(answer.text)")
            answers.append(withoutCursor(answer.text))
        }
        for statement in statements {
            let body = "{\"sql\": \"\(statement.replacingOccurrences(of: "\"", with: "\\\""))\", \"max_rows\": \(100_000 + phase)}"
            let answer = try await ArchiveHTTP.send(base, "/api/v1/query?format=csv", method: "POST", body: body)
            #expect(answer.status == 200, "\(statement): \(answer.text)")
            answers.append(answer.text)
        }
        return answers
    }

    /// The answer with its next-page cursor blanked: a cursor names the last row by its row id,
    /// which changes when the row moves to the archive (the cursor still works, see below).
    static func withoutCursor(_ text: String) -> String {
        text.replacingOccurrences(of: #""next":"[^"]*""#, with: #""next":"…""#, options: .regularExpression)
    }

    static func expectSame(_ after: [String], _ before: [String], _ when: String, queries: [String]) {
        let names = queries + statements
        for (index, answer) in after.enumerated() where !ArchiveHTTP.same(answer, before[index]) {
            Issue.record("\(when): \(names[index]) changed:\nbefore \(before[index].prefix(600))\nafter  \(answer.prefix(600))")
        }
    }

    @Test func queriesAnswerTheSameAfterTheirDaysAreArchived() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let environment = ["TRADEWATCH_ARCHIVE_INTERVAL": "0"]
        var server = try ServerProcess(["serve", "--port", "0", "--data-dir", data], environment: environment)
        var base = try await server.waitUntilListening()
        let today = ArchiveHTTP.today()
        for daysAgo: Int64 in [11, 10, 9, 1] {
            try await ArchiveHTTP.write(base, ArchiveHTTP.rows(dayStart: today - daysAgo * Self.day, tag: "d\(daysAgo)"))
        }
        try await ArchiveHTTP.waitForRollup(base)
        let queries = Self.queries(today: today)
        let before = try await Self.answers(base, queries, phase: 0)
        // A cursor taken before archiving goes on after it, to the same next page.
        let firstPage = try await ArchiveHTTP.send(base, queries[2] + "&min_commit=0")
        let cursor = try #require(firstPage.json["next"] as? String)
        let secondPage = try await ArchiveHTTP.send(base, queries[2] + "&cursor=\(cursor)")
        var rowsBefore: [String: Int] = [:]
        for table in ArchiveHTTP.tables {
            rowsBefore[table] = try await ArchiveHTTP.number(base, "SELECT count(*) FROM \(table)")
        }

        for table in ArchiveHTTP.tables {
            try await ArchiveHTTP.retain(table, ["--hot", "7d", "--archive", "365d"], dataDirectory: data)
        }
        let report = try await ArchiveHTTP.archive(base)
        let archived = report["archived"] as? [[String: any Sendable]] ?? []
        #expect(archived.count == 3 * ArchiveHTTP.tables.count, "\(report)")
        #expect((report["errors"] as? [any Sendable])?.isEmpty == true, "\(report)")

        // The archived days left DuckDB; the views still hold every row; the files are there.
        let archivedBefore = ArchiveHTTP.time(today - 8 * Self.day)
        for table in ArchiveHTTP.tables {
            #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM main.\(table) WHERE ts < '\(archivedBefore)'") == 0, "\(table)")
            #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM \(table)_all") == rowsBefore[table], "\(table)")
            // SQL naming the table reads its archived days as before archiving.
            #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM \(table)") == rowsBefore[table], "\(table)")
            for daysAgo: Int64 in [9, 10, 11] {
                let date = String(ArchiveHTTP.time(today - daysAgo * Self.day).prefix(10))
                let file = "\(data)/archive/\(table)/date=\(date)/part-0.parquet"
                #expect(FileManager.default.fileExists(atPath: file), "\(file) is missing")
            }
        }
        let listing = try await ArchiveHTTP.send(base, "/api/v1/admin/archive")
        let partitions = listing.json["partitions"] as? [[String: any Sendable]] ?? []
        #expect(partitions.count == 21 && partitions.allSatisfy { $0["state"] as? String == "complete" }, "\(listing.text)")
        #expect(partitions.filter { $0["table"] as? String == "trades" }.compactMap { $0["rows"] as? Int } == [20, 20, 20])

        let after = try await Self.answers(base, queries, phase: 1)
        Self.expectSame(after, before, "after archiving", queries: queries)
        let continued = try await ArchiveHTTP.send(base, queries[2] + "&cursor=\(cursor)&min_commit=1")
        #expect(Self.withoutCursor(continued.text) == Self.withoutCursor(secondPage.text))
        #expect(continued.json["next"] as? String != nil)

        // A late row for an archived day is read from DuckDB, then archived as the day's next part.
        try await ArchiveHTTP.write(base, ["trades,symbol=AAPL,venue=V0,trade_id=late price=1,qty=1 \(today - 10 * Self.day + 5 * Self.hour)"])
        try await ArchiveHTTP.waitForRollup(base)
        let withLate = try await Self.answers(base, queries, phase: 2)
        #expect(withLate[0].contains("\"trade_id\":\"late\""))
        let second = try await ArchiveHTTP.archive(base)
        let paths = (second["archived"] as? [[String: any Sendable]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths == ["archive/trades/date=\(String(ArchiveHTTP.time(today - 10 * Self.day).prefix(10)))/part-1.parquet"], "\(second)")
        Self.expectSame(try await Self.answers(base, queries, phase: 3), withLate, "after archiving a late row", queries: queries)

        // A restarted server rebuilds its views from the manifest and answers the same.
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        server = try ServerProcess(["serve", "--port", "0", "--data-dir", data], environment: environment)
        base = try await server.waitUntilListening()
        Self.expectSame(try await Self.answers(base, queries, phase: 4), withLate, "after a restart", queries: queries)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func sqlReadsTheArchiveButCannotWriteThereOrReadOtherFiles() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", data], environment: ["TRADEWATCH_ARCHIVE_INTERVAL": "0"])
        let base = try await server.waitUntilListening()
        try await ArchiveHTTP.write(base, ArchiveHTTP.rows(dayStart: ArchiveHTTP.today() - 10 * Self.day, tag: "sql"))
        try await ArchiveHTTP.waitForRollup(base)
        try await ArchiveHTTP.retain("trades", ["--hot", "7d"], dataDirectory: data)
        _ = try await ArchiveHTTP.archive(base)
        let archive = data + "/archive"

        func refused(_ sql: String, saying words: String) async throws {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["sql": sql]), as: UTF8.self)
            let answer = try await ArchiveHTTP.send(base, "/api/v1/query", method: "POST", body: body)
            #expect(answer.status == 400, "\(sql) was not refused: \(answer.text)")
            #expect(answer.text.contains(words), "\(sql): \(answer.text)")
        }
        try await refused("COPY trades TO '\(archive)/copied.parquet' (FORMAT parquet)", saying: "this is COPY")
        try await refused("ATTACH '\(archive)/attached.duckdb' AS other", saying: "only a single SELECT")
        try await refused("SELECT * FROM read_csv('/etc/passwd')", saying: "disabled by configuration")
        try await refused("SELECT * FROM read_text('\(data)/operational.sqlite')", saying: "disabled by configuration")
        try await refused("SELECT * FROM read_text('\(archive)/../operational.sqlite')", saying: "disabled by configuration")
        #expect(!FileManager.default.fileExists(atPath: archive + "/copied.parquet"))
        #expect(!FileManager.default.fileExists(atPath: archive + "/attached.duckdb"))
        // Reading the archive directly is allowed: that is what the _all views do.
        #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM read_parquet('\(archive)/trades/*/*.parquet')") == 20)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func daysPastTheArchiveWindowAreDeleted() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", data], environment: ["TRADEWATCH_ARCHIVE_INTERVAL": "0"])
        let base = try await server.waitUntilListening()
        let today = ArchiveHTTP.today()
        for daysAgo: Int64 in [400, 30, 9] {
            try await ArchiveHTTP.write(base, ArchiveHTTP.rows(dayStart: today - daysAgo * Self.day, tag: "d\(daysAgo)"))
        }
        try await ArchiveHTTP.waitForRollup(base)
        try await ArchiveHTTP.retain("trades", ["--hot", "7d", "--archive", "365d"], dataDirectory: data)
        try await ArchiveHTTP.retain("logs", ["--hot", "7d", "--no-archive"], dataDirectory: data)

        let first = try await ArchiveHTTP.archive(base)
        let deleted = first["deleted_rows"] as? [String: any Sendable] ?? [:]
        #expect(deleted["trades"] as? Int == 20, "the day past the archive window is deleted, not archived: \(first)")
        #expect(deleted["logs"] as? Int == 15, "logs without archive are deleted past the hot window: \(first)")
        let archivedDays = (first["archived"] as? [[String: any Sendable]] ?? []).compactMap { $0["day"] as? String }
        #expect(archivedDays == [30, 9].map { String(ArchiveHTTP.time(today - $0 * Self.day).prefix(10)) })
        #expect(!FileManager.default.fileExists(atPath: data + "/archive/logs"))
        #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM trades_all") == 40)
        #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM logs_all") == 0)
        let oldCandles = "/api/v1/candles?symbol=AAPL&interval=1m&start=\(ArchiveHTTP.time(today - 400 * Self.day))&end=\(ArchiveHTTP.time(today - 399 * Self.day))"
        #expect((try await ArchiveHTTP.send(base, oldCandles).json["rows"] as? [any Sendable])?.isEmpty == true)

        // A shorter archive window expires the day 30 days old: manifest, file, rows and candles.
        try await ArchiveHTTP.retain("trades", ["--hot", "7d", "--archive", "20d"], dataDirectory: data)
        let second = try await ArchiveHTTP.archive(base)
        let expired = (second["expired"] as? [[String: any Sendable]] ?? []).compactMap { $0["path"] as? String }
        let thirty = String(ArchiveHTTP.time(today - 30 * Self.day).prefix(10))
        #expect(expired == ["archive/trades/date=\(thirty)/part-0.parquet"], "\(second)")
        #expect(!FileManager.default.fileExists(atPath: "\(data)/archive/trades/date=\(thirty)"))
        #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM trades_all") == 20)
        let listing = try await ArchiveHTTP.send(base, "/api/v1/admin/archive")
        #expect((listing.json["partitions"] as? [any Sendable])?.count == 1, "\(listing.text)")
        let window = "start=\(ArchiveHTTP.time(today - 30 * Self.day))&end=\(ArchiveHTTP.time(today - 29 * Self.day))"
        #expect((try await ArchiveHTTP.send(base, "/api/v1/trades?\(window)").json["rows"] as? [any Sendable])?.isEmpty == true)
        #expect((try await ArchiveHTTP.send(base, "/api/v1/candles?symbol=AAPL&interval=1m&\(window)").json["rows"] as? [any Sendable])?.isEmpty == true)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}
