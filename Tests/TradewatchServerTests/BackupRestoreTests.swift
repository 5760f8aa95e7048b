import Foundation
import Synchronization
import Testing
import TradewatchTestSupport

/// `tradewatch backup` while rows stream in, and `tradewatch restore`: the restored server
/// answers as the original did for everything committed before the backup started; restore
/// refuses a non-empty data directory and a damaged backup.
@Suite(.serialized, .timeLimit(.minutes(6))) struct BackupRestoreTests {
    static let day = ArchiveHTTP.day

    /// Answers about the days written before the backup (archived ones included).
    static func answers(_ base: URL, today: Int64, phase: Int) async throws -> [String] {
        let window = "start=\(ArchiveHTTP.time(today - 15 * day))&end=\(ArchiveHTTP.time(today - 2 * day))"
        var answers: [String] = []
        for query in [
            "/api/v1/trades?\(window)&limit=100000", "/api/v1/quotes?\(window)", "/api/v1/executions/quality?\(window)",
            "/api/v1/metrics/aggregate?name=latency&bucket=1h&fn=avg,max,count&group=symbol&\(window)",
            "/api/v1/candles?symbol=AAPL&interval=1m&\(window)", "/api/v1/candles?symbol=IBM&interval=1m&\(window)",
        ] {
            let answer = try await ArchiveHTTP.send(base, query + "&min_commit=\(phase)")
            #expect(answer.status == 200, "\(query): \(answer.text)")
            answers.append(answer.text)
        }
        return answers
    }

    /// Trade ids of the ingestion that runs during the backup.
    static func streamedIDs(_ base: URL) async throws -> [String] {
        try await ArchiveHTTP.sql(base, "SELECT trade_id FROM trades_all WHERE trade_id LIKE 'live-%' ORDER BY trade_id")
            .compactMap { $0.first as? String }
    }

    @Test func backupDuringIngestionRestoresEqualAnswers() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let backup = folder.path("backup")
        let restored = folder.path("restored")
        let today = ArchiveHTTP.today()
        let server = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", data], environment: ["TRADEWATCH_ARCHIVE_INTERVAL": "0"])
        let base = try await server.waitUntilListening()
        for daysAgo: Int64 in [11, 10, 3] {
            try await ArchiveHTTP.write(base, ArchiveHTTP.rows(dayStart: today - daysAgo * Self.day, tag: "d\(daysAgo)"))
        }
        try await ArchiveHTTP.waitForRollup(base)
        for table in ["trades", "metrics", "candles"] {
            try await ArchiveHTTP.retain(table, ["--hot", "7d"], dataDirectory: data)
        }
        #expect((try await ArchiveHTTP.archive(base)["archived"] as? [any Sendable])?.count == 6)

        // A writer streams new trades while the backup runs; the ids acknowledged before the
        // backup started must all be restored.
        let acknowledged = StreamedWrites()
        let (beforeBackup, result) = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in 0..<2_000 where !acknowledged.isStopped {
                    let ids = (0..<50).map { String(format: "live-%05d-%02d", batch, $0) }
                    let lines = ids.enumerated().map { index, id in
                        "trades,symbol=LIVE,venue=V0,trade_id=\(id) price=\(10 + index),qty=1 \(today + Int64(batch * 50 + index) * 1_000_000)"
                    }
                    try await ArchiveHTTP.write(base, lines)
                    acknowledged.add(ids)
                }
            }
            while acknowledged.ids.count < 500 { try await Task.sleep(for: .milliseconds(20)) }
            let beforeBackup = acknowledged.ids
            let result = try await ArchiveHTTP.command(["backup", backup, "--url", base.absoluteString])
            try await Task.sleep(for: .milliseconds(200))
            acknowledged.stop()
            try await group.waitForAll()
            return (beforeBackup, result)
        }
        #expect(result.status == 0, "backup failed: \(result.output) \(result.errors)")
        #expect(result.output.contains("backup written to \(backup)"), "\(result.output)")
        let original = try await Self.answers(base, today: today, phase: 0)
        let allStreamed = Set(acknowledged.ids)
        #expect(allStreamed.count > beforeBackup.count, "ingestion should go on during the backup")

        let restore = try await ArchiveHTTP.command(["restore", backup, "--data-dir", restored])
        #expect(restore.status == 0, "restore failed: \(restore.output) \(restore.errors)")
        #expect(restore.output.contains("verify [") && restore.output.contains("restored "), "\(restore.output)")
        let copy = try ServerProcess(
            ["serve", "--port", "0", "--data-dir", restored], environment: ["TRADEWATCH_ARCHIVE_INTERVAL": "0"])
        let copyBase = try await copy.waitUntilListening()
        let answers = try await Self.answers(copyBase, today: today, phase: 0)
        for (index, answer) in answers.enumerated() where !ArchiveHTTP.same(answer, original[index]) {
            Issue.record("restored answer \(index) differs:\n\(original[index].prefix(500))\n\(answer.prefix(500))")
        }
        let restoredIDs = try await Self.streamedIDs(copyBase)
        print("backup test: \(beforeBackup.count) streamed rows acknowledged before the backup started, \(allStreamed.count) by the end, \(restoredIDs.count) restored")
        #expect(Set(restoredIDs).isSuperset(of: beforeBackup), "writes acknowledged before the backup are missing")
        #expect(Set(restoredIDs).isSubset(of: allStreamed) && Set(restoredIDs).count == restoredIDs.count)
        #expect(try await ArchiveHTTP.number(copyBase, "SELECT count(*) FROM main.trades") == 20 + restoredIDs.count)
        let listing = try await ArchiveHTTP.send(copyBase, "/api/v1/admin/archive")
        #expect((listing.json["partitions"] as? [any Sendable])?.count == 6, "\(listing.text)")

        // Restore refuses a data directory that is not empty and changes nothing in it. The server
        // stops first: its background work (the rollup refresh) changes the files while it runs.
        copy.signal(SIGTERM)
        _ = try await copy.waitForExit()
        let stored = snapshot(restored)
        let again = try await ArchiveHTTP.command(["restore", backup, "--data-dir", restored])
        #expect(again.status != 0 && again.errors.contains("not empty"), "\(again.output) \(again.errors)")
        #expect(snapshot(restored) == stored)

        // A backup whose file no longer matches its checksum is refused whole.
        let damaged = folder.path("damaged")
        try FileManager.default.copyItem(atPath: backup, toPath: damaged)
        let parquet = try #require(FileManager.default.enumerator(atPath: damaged + "/archive")?.allObjects
            .compactMap { $0 as? String }.first { $0.hasSuffix(".parquet") })
        let handle = try #require(FileHandle(forUpdatingAtPath: damaged + "/archive/" + parquet))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0x5A, 0xA5]))
        try handle.close()
        let refused = try await ArchiveHTTP.command(["restore", damaged, "--data-dir", folder.path("never")])
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.errors.contains("checksum mismatch") && refused.errors.contains(parquet), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("never")))

        // An offline backup is refused while the server holds the data directory.
        let offline = try await ArchiveHTTP.command(["backup", folder.path("offline"), "--data-dir", data])
        #expect(offline.status != 0 && offline.errors.contains("--url"), "\(offline.errors)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}

/// The trade ids a writer got acknowledged, and whether it should stop.
private final class StreamedWrites: Sendable {
    private let state = Mutex((ids: [String](), stopped: false))

    var ids: [String] { state.withLock { $0.ids } }
    var isStopped: Bool { state.withLock { $0.stopped } }
    func add(_ ids: [String]) { state.withLock { $0.ids += ids } }
    func stop() { state.withLock { $0.stopped = true } }
}
