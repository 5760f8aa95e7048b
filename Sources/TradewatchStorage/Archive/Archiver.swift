import Foundation
public import Logging
import TradewatchCore

/// Applies the retention policies: moves whole UTC days past a table's hot window from DuckDB to
/// Parquet files, and deletes days past its archive window (or past the hot window of a table
/// that is not archived).
///
/// Each day moves in steps that make it crash-safe: export under a temporary name, flush,
/// verify the file against DuckDB (row count and `sum(hash(row))`), rename, record the file in
/// the manifest as pending, then delete the rows and add the file to the table's `_all` view in
/// one DuckDB transaction, and mark the entry complete. Whatever step a crash interrupts,
/// ``reconcile()`` at the next start finishes or undoes it, so no row is lost and none is read
/// twice. Rows are cut by commit sequence, so rows that arrive late for an archived day stay in
/// DuckDB until the next run writes them to the day's next part.
///
/// DuckDB work follows the store's discipline: exports and checks run on the upkeep connection
/// (they write no table), deletes and view changes on the writer, serialised with ingestion's
/// commits. One run at a time; backups wait for a run to end (``exclusively(_:)``).
public final class Archiver: Sendable {
    public let stores: Stores
    let logger: Logger
    let crashPoint: ArchiverCrashPoint?
    /// Called after a run moved or deleted rows: cached answers of SQL over the tables may hold them.
    let onRowsChanged: @Sendable () -> Void
    let gate = AsyncGate()

    /// - Parameter onRowsChanged: called after a run moved rows out of DuckDB or deleted them,
    ///   to drop cached answers: SQL over a table (not its `_all` view) and anything reading
    ///   deleted days answer differently now, and commits are all the cache watches.
    public init(
        stores: Stores, logger: Logger, crashPoint: ArchiverCrashPoint? = .fromEnvironment(),
        onRowsChanged: @escaping @Sendable () -> Void = {}
    ) {
        self.stores = stores
        self.logger = logger
        self.crashPoint = crashPoint
        self.onRowsChanged = onRowsChanged
    }

    /// Which ranges of which tables queries must read through the `_all` views.
    public var catalog: ArchiveCatalog { stores.analytics.archiveCatalog }
    var analytics: AnalyticsStore { stores.analytics }
    var operational: OperationalStore { stores.operational }

    func absolutePath(_ relative: String) -> String {
        stores.absolutePath(relative)
    }

    /// Runs `body` while no archive run changes DuckDB, the manifest or the archive files.
    public func exclusively<T>(_ body: () async throws -> T) async rethrows -> T {
        try await gate.exclusively(body)
    }

    /// The current time in nanoseconds since the epoch.
    public static func wallClockNow() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Applies every retention policy as of `now` (ns). A failure stops only the table (or
    /// day) it concerns and is listed in the report's `errors`.
    public func run(now: Int64 = Archiver.wallClockNow()) async -> ArchiveRunReport {
        await gate.exclusively {
            var report = ArchiveRunReport()
            do {
                try await resolvePending(into: &report)
                for policy in try await operational.retentionPolicies() {
                    do {
                        try await apply(policy, now: now, into: &report)
                    } catch {
                        report.errors.append("\(policy.table.rawValue): \(error)")
                    }
                }
            } catch {
                report.errors.append("\(error)")
            }
            if report.changedRows { onRowsChanged() }
            log(report, event: "archive.run")
            return report
        }
    }

    private func apply(_ policy: RetentionPolicy, now: Int64, into report: inout ArchiveRunReport) async throws {
        let table = policy.table
        let expiry = policy.expiryCutoff(now: now)
        if let expiry {
            let expired = try await expire(table, before: expiry)
            report.expired += expired
            let deleted = try await deleteLiveRows(table, before: expiry)
            if deleted > 0 { report.deletedRows[table.rawValue, default: 0] += deleted }
            if table == .trades { try await deleteRollup(before: expiry) }
        }
        guard policy.archive != .none else { return }
        let cut = try await cutSequence(for: table)
        for day in try await liveDays(table, from: expiry, to: policy.hotCutoff(now: now), cut: cut) {
            do {
                try await archiveDay(table, dayStart: day, cut: cut, into: &report)
            } catch {
                report.errors.append("\(table.rawValue) \(ArchiveLayout.dayName(day)): \(error)")
            }
        }
    }

    func log(_ report: ArchiveRunReport, event: String) {
        let quiet = !report.changedRows && report.undone.isEmpty && report.removedFiles.isEmpty
        if !report.errors.isEmpty {
            logger.error("archiver: \(report.summary)", metadata: ["event": "\(event)", "errors": "\(report.errors)"])
        } else if !quiet {
            logger.info("archiver: \(report.summary)", metadata: ["event": "\(event)"])
        }
    }
}
