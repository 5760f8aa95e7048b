import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewatchTestSupport
import TradewatchStorage

/// A server killed with SIGKILL mid-stream loses no acknowledged write: a 204 means committed.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CrashTests {
    static let writers = 4
    static let linesPerRequest = 500
    static let maxRequestsPerWriter = 2_000
    /// The kill comes this long after writing starts, or later if fewer than
    /// `acknowledgementsBeforeKill` requests have been answered by then (a loaded machine),
    /// but never later than `latestKill`.
    static let killAfter = Duration.milliseconds(1_500)
    static let acknowledgementsBeforeKill = writers * 2
    static let latestKill = Duration.seconds(30)

    /// What one writer sent: every batch it tried, and the ones answered 204.
    struct WriterLog: Sendable {
        var attempted: [String] = []
        var acknowledged: [String] = []
    }

    @Test func acknowledgedWritesSurviveSIGKILL() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        // Checkpoints by time only (every 60 s): the kill must find the committed rows in the
        // write-ahead log, for recovery to replay, not just checkpointed into the file.
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", data, "--checkpoint-wal-mb", "0"])
        let write = try await server.waitUntilListening().appendingPathComponent("write")

        let killed = KillSwitch()
        let session = CrashWriteSession(connections: Self.writers)
        defer { session.invalidate() }
        let logs = try await withThrowingTaskGroup(of: WriterLog.self) { group in
            for writer in 0..<Self.writers {
                group.addTask { await Self.write(as: writer, to: write, session: session, killed: killed) }
            }
            let start = ContinuousClock.now
            try await Task.sleep(for: Self.killAfter)
            while killed.acknowledgements < Self.acknowledgementsBeforeKill, ContinuousClock.now - start < Self.latestKill {
                try await Task.sleep(for: .milliseconds(20))
            }
            killed.set()
            server.signal(SIGKILL)
            return try await group.reduce(into: []) { $0.append($1) }
        }
        _ = try await server.waitForExit()
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: data + "/analytics.duckdb.wal")[.size] as? Int) ?? 0

        // Restarting replays DuckDB's write-ahead log; a clean stop then checkpoints it.
        let restarted = try ServerProcess(["serve", "--port", "0", "--data-dir", data])
        _ = try await restarted.waitUntilListening(timeout: .seconds(60))
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0, "\(restarted.standardError)")

        let stores = try Stores(dataDirectory: data)
        let rows = try await stores.analytics.read { try $0.query("SELECT trade_id FROM trades").rows() }
        await stores.close(logger: .init(label: "test"))
        let stored = rows.compactMap { row -> String? in if case .string(let id) = row.first { id } else { nil } }

        let acknowledgedBatches = logs.flatMap(\.acknowledged)
        let attemptedBatches = Set(logs.flatMap(\.attempted))
        let storedIDs = Set(stored)
        let rowsPerBatch = Dictionary(grouping: stored, by: Self.batch(ofTradeID:)).mapValues(\.count)
        let lost = acknowledgedBatches.flatMap(Self.tradeIDs(ofBatch:)).filter { !storedIDs.contains($0) }
        let unacknowledgedSurvivors = Set(rowsPerBatch.keys).subtracting(acknowledgedBatches)

        print("""
            crash test: \(acknowledgedBatches.count * Self.linesPerRequest) rows acknowledged in \(acknowledgedBatches.count) \
            requests of \(attemptedBatches.count) sent; \(lost.count) acknowledged rows lost; \
            \(unacknowledgedSurvivors.count * Self.linesPerRequest) unacknowledged rows \
            (\(unacknowledgedSurvivors.count) requests) survived; WAL at kill: \(walBytes) bytes
            """)
        #expect(acknowledgedBatches.count >= Self.writers, "too few writes were acknowledged before the kill to test anything")
        #expect(walBytes > 0, "the kill should leave committed rows in the write-ahead log for recovery to replay")
        #expect(lost.isEmpty, "acknowledged trades missing after recovery: \(lost.prefix(5))…")
        #expect(stored.count == storedIDs.count, "some trade_id is stored more than once")
        #expect(rows.count == stored.count, "a stored trade_id is not a string")
        #expect(Set(rowsPerBatch.keys).isSubset(of: attemptedBatches), "rows that no writer sent are stored")
        // A request is committed whole or not at all, even across a crash.
        let partial = rowsPerBatch.filter { $0.value != Self.linesPerRequest }
        #expect(partial.isEmpty, "requests stored in part: \(partial.prefix(5))")
    }

    /// Posts batches until the server is killed, or the bounds are reached.
    static func write(as writer: Int, to url: URL, session: CrashWriteSession, killed: KillSwitch) async -> WriterLog {
        var log = WriterLog()
        let deadline = ContinuousClock.now + latestKill + .seconds(20)
        for request in 0..<maxRequestsPerWriter where ContinuousClock.now < deadline {
            let batch = "w\(writer)-r\(request)"
            log.attempted.append(batch)
            do {
                let status = try await session.post(url, body: body(ofBatch: batch, writer: writer, request: request))
                guard status == 204 else {
                    if !killed.isSet { Issue.record("writer \(writer) got status \(status) before the kill") }
                    return log
                }
                log.acknowledged.append(batch)
                killed.acknowledge()
            } catch {
                if !killed.isSet { Issue.record("writer \(writer) failed before the kill: \(error)") }
                return log
            }
        }
        if !killed.isSet { Issue.record("writer \(writer) ran out of requests before the kill") }
        return log
    }

    static func tradeIDs(ofBatch batch: String) -> [String] {
        (0..<linesPerRequest).map { "\(batch)-\($0)" }
    }

    static func batch(ofTradeID id: String) -> String {
        String(id[..<id.lastIndex(of: "-")!])
    }

    static func body(ofBatch batch: String, writer: Int, request: Int) -> Data {
        let base: Int64 = 1_767_225_600_000_000_000 + Int64(writer) * 1_000_000_000_000 + Int64(request * linesPerRequest)
        var text = ""
        text.reserveCapacity(linesPerRequest * 110)
        for (line, id) in tradeIDs(ofBatch: batch).enumerated() {
            let side = line.isMultiple(of: 2) ? "buy" : "sell"
            text += "trades,symbol=SYM\(line % 50),venue=XNAS,side=\(side),trade_id=\(id) "
            text += "price=\(100 + Double(line) / 100),qty=\(line + 1)i \(base + Int64(line))\n"
        }
        return Data(text.utf8)
    }
}
