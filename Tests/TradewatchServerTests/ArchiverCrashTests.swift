import Foundation
import Testing
import TradewatchTestSupport

/// The real `tradewatch` process killed (SIGKILL) at each step of an archive run: after a
/// restart no row is lost, none is read twice, and the next run finishes the work.
@Suite(.serialized, .timeLimit(.minutes(8))) struct ArchiverCrashTests {
    static let day = ArchiveHTTP.day
    static let steps = ["exported", "renamed", "recorded", "deleted"]

    /// What must not change across the crash: every archived row once, with its values.
    static func state(_ base: URL, today: Int64) async throws -> [String] {
        let window = "start=\(ArchiveHTTP.time(today - 40 * day))&end=\(ArchiveHTTP.time(today))"
        var answers: [String] = []
        for (index, query) in [
            "/api/v1/trades?\(window)&limit=100000", "/api/v1/metrics?\(window)&limit=100000",
            "/api/v1/candles?symbol=AAPL&interval=1h&\(window)",
        ].enumerated() {
            let answer = try await ArchiveHTTP.send(base, query + "&min_commit=\(index)")
            #expect(answer.status == 200, "\(query): \(answer.text)")
            answers.append(answer.text)
        }
        for table in ["trades", "metrics"] {
            let rows = try await ArchiveHTTP.sql(base, "SELECT count(*), count(DISTINCT (ts, rowid)) FROM \(table)_all")
            answers.append("\(table): \(rows.first.map { $0.map { "\($0)" } } ?? [])")
        }
        return answers
    }

    /// Every file under archive/ is a complete partition the manifest lists; no temporary file.
    static func expectArchiveMatchesManifest(_ base: URL, data: String) async throws {
        let listing = try await ArchiveHTTP.send(base, "/api/v1/admin/archive")
        let partitions = listing.json["partitions"] as? [[String: any Sendable]] ?? []
        #expect(partitions.allSatisfy { $0["state"] as? String == "complete" }, "\(listing.text)")
        let listed = Set(partitions.compactMap { $0["path"] as? String })
        let files = (FileManager.default.enumerator(atPath: data + "/archive")?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".tmp") }.map { "archive/" + $0 }
        #expect(Set(files) == listed, "files \(files.sorted()) vs manifest \(listed.sorted())")
    }

    static func start(_ data: String, crashAt step: String? = nil) async throws -> (ServerProcess, URL) {
        var environment = ["TRADEWATCH_ARCHIVE_INTERVAL": "0"]
        if let step { environment["TRADEWATCH_ARCHIVER_CRASH_AT"] = step }
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data], environment: environment)
        return (server, try await server.waitUntilListening())
    }

    /// Asks for an archive run that the crash hook kills at `step`; checks it died there.
    static func archiveAndDie(_ server: ServerProcess, _ base: URL, at step: String) async throws {
        _ = try? await ArchiveHTTP.send(base, "/api/v1/admin/archive", method: "POST")
        let status = try await server.waitForExit()
        #expect(status == SIGKILL, "the server should die of SIGKILL at \(step), exited \(status): \(server.standardError)")
        #expect(server.standardError.contains("killing the process at \(step)"), "\(server.standardError)")
    }

    @Test(arguments: steps) func killedMidRunLosesAndDuplicatesNothing(step: String) async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let today = ArchiveHTTP.today()
        var (server, base) = try await Self.start(data, crashAt: step)
        for daysAgo: Int64 in [12, 10, 9] {
            try await ArchiveHTTP.write(base, ArchiveHTTP.rows(dayStart: today - daysAgo * Self.day, tag: "d\(daysAgo)"))
        }
        try await ArchiveHTTP.waitForRollup(base)
        let before = try await Self.state(base, today: today)
        for table in ["trades", "metrics"] {
            try await ArchiveHTTP.retain(table, ["--hot", "7d", "--archive", "365d"], dataDirectory: data)
        }
        try await Self.archiveAndDie(server, base, at: step)

        (server, base) = try await Self.start(data)
        #expect(try await Self.state(base, today: today) == before, "after the crash at \(step) and a restart")
        try await Self.expectArchiveMatchesManifest(base, data: data)
        let report = try await ArchiveHTTP.archive(base)
        #expect((report["errors"] as? [any Sendable])?.isEmpty == true, "\(report)")
        #expect(try await Self.state(base, today: today) == before, "after the next run")
        try await Self.expectArchiveMatchesManifest(base, data: data)
        let listing = try await ArchiveHTTP.send(base, "/api/v1/admin/archive")
        #expect((listing.json["partitions"] as? [any Sendable])?.count == 6, "\(listing.text)")
        for table in ["trades", "metrics"] {
            #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM main.\(table)") == 0, "\(table) rows left in DuckDB")
        }
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func killedWhileExpiringLosesNoKeptDay() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let today = ArchiveHTTP.today()
        var (server, base) = try await Self.start(data)
        for daysAgo: Int64 in [30, 10, 9] {
            try await ArchiveHTTP.write(base, ArchiveHTTP.rows(dayStart: today - daysAgo * Self.day, tag: "d\(daysAgo)"))
        }
        try await ArchiveHTTP.waitForRollup(base)
        try await ArchiveHTTP.retain("trades", ["--hot", "7d", "--archive", "365d"], dataDirectory: data)
        _ = try await ArchiveHTTP.archive(base)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()

        // The day 30 days old expires; the process dies between the manifest and the files.
        try await ArchiveHTTP.retain("trades", ["--hot", "7d", "--archive", "20d"], dataDirectory: data)
        (server, base) = try await Self.start(data, crashAt: "expiring")
        try await Self.archiveAndDie(server, base, at: "expiring")
        (server, base) = try await Self.start(data)
        #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM trades_all") == 40)
        #expect(try await ArchiveHTTP.number(base, "SELECT count(DISTINCT trade_id) FROM trades_all WHERE trade_id LIKE 'd30-%'") == 0)
        try await Self.expectArchiveMatchesManifest(base, data: data)
        let report = try await ArchiveHTTP.archive(base)
        #expect((report["errors"] as? [any Sendable])?.isEmpty == true, "\(report)")
        #expect(try await ArchiveHTTP.number(base, "SELECT count(*) FROM trades_all") == 40)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}
