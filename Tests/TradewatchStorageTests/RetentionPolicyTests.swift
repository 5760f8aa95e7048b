import Foundation
import GRDB
import Testing
import TradewatchCore
import TradewatchStorage

@Suite struct RetentionPolicyTests {
    static let day: Int64 = 86_400_000_000_000

    @Test func durationsReadEveryUnit() throws {
        #expect(try RetentionPolicy.seconds(in: "90m", for: "--hot") == 5_400)
        #expect(try RetentionPolicy.seconds(in: "36h", for: "--hot") == 129_600)
        #expect(try RetentionPolicy.seconds(in: "7d", for: "--hot") == 604_800)
        #expect(try RetentionPolicy.seconds(in: "52w", for: "--hot") == 31_449_600)
        #expect(try RetentionPolicy.seconds(in: "45s", for: "--hot") == 45)
        #expect(RetentionPolicy.format(seconds: 604_800) == "7d")
        #expect(RetentionPolicy.format(seconds: 5_400) == "90m")
        #expect(RetentionPolicy.format(seconds: 129_600) == "36h")
    }

    @Test(arguments: ["7", "7x", "d", "-1d", "1.5d", "", "99999999w"])
    func malformedDurationsAreRefusedByName(text: String) {
        #expect {
            try RetentionPolicy.seconds(in: text, for: "--archive")
        } throws: { error in
            "\(error)".contains("--archive \"\(text)\"")
        }
    }

    @Test func windowsMustBePositiveAndTheArchiveLongerThanTheHotOne() throws {
        #expect(throws: StoreError.self) { try RetentionPolicy(table: .trades, hotSeconds: 0, archive: .forever) }
        #expect {
            try RetentionPolicy(table: .trades, hotSeconds: 604_800, archive: .seconds(86_400))
        } throws: { error in
            "\(error)".contains("archive window of trades (1d) must be longer than its hot window (7d)")
        }
        #expect { try RetentionPolicy.table(named: "orders") } throws: { error in
            "\(error)".contains("unknown table \"orders\"") && "\(error)".contains("metrics, trades")
        }
    }

    @Test func cutoffsAreWholeUTCDaysEntirelyPastTheWindows() throws {
        let policy = try RetentionPolicy(table: .trades, hotSeconds: 7 * 86_400, archive: .seconds(30 * 86_400))
        let now: Int64 = 1_767_225_600_000_000_000 + 13 * 3_600_000_000_000  // 2026-01-01T13:00Z
        // The day before 2025-12-25T13:00 (7 days earlier) is the last one wholly older than 7 days.
        #expect(policy.hotCutoff(now: now) == 1_767_225_600_000_000_000 - 7 * Self.day)
        #expect(policy.expiryCutoff(now: now) == 1_767_225_600_000_000_000 - 30 * Self.day)
        let unarchived = try RetentionPolicy(table: .logs, hotSeconds: 36 * 3_600, archive: .none)
        #expect(unarchived.expiryCutoff(now: now) == unarchived.hotCutoff(now: now))
        #expect(try RetentionPolicy(table: .logs, hotSeconds: 60, archive: .forever).expiryCutoff(now: now) == nil)
        #expect(ArchiveLayout.relativePath(table: .trades, dayStart: 1_767_225_600_000_000_000, part: 2)
            == "archive/trades/date=2026-01-01/part-2.parquet")
        #expect(ArchiveLayout.dayStart(of: -1) == -Self.day)
    }

    @Test func policiesAreStoredReplacedAndCleared() async throws {
        let store = try OperationalStore(writer: try DatabaseQueue())
        #expect(try await store.appliedMigrations().last == "v4 retention windows")
        try await store.setRetentionPolicy(try RetentionPolicy(table: .trades, hotSeconds: 604_800, archive: .seconds(31_536_000)))
        try await store.setRetentionPolicy(try RetentionPolicy(table: .logs, hotSeconds: 129_600, archive: .none))
        try await store.setRetentionPolicy(try RetentionPolicy(table: .metrics, hotSeconds: 86_400, archive: .forever))
        try await store.setRetentionPolicy(try RetentionPolicy(table: .trades, hotSeconds: 172_800, archive: .forever))
        let policies = try await store.retentionPolicies()
        #expect(policies.map(\.table) == [.logs, .metrics, .trades])
        #expect(policies.map(\.archive) == [.none, .forever, .forever])
        #expect(policies.map(\.hotSeconds) == [129_600, 86_400, 172_800])
        #expect(try await store.clearRetentionPolicy(.logs))
        #expect(try await !store.clearRetentionPolicy(.logs))
        #expect(try await store.retentionPolicies().map(\.table) == [.metrics, .trades])
    }
}
