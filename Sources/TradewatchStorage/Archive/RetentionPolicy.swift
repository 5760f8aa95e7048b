public import Foundation
public import TradewatchCore

/// How long one analytics table keeps its rows: `hot` in DuckDB, then (when archived) as
/// Parquet files for `archive` more, counted from the rows' own timestamps.
///
/// Only whole UTC days move: a day leaves DuckDB once all of it is older than the hot window,
/// and leaves the archive once all of it is older than the archive window. Without archiving
/// (`archive == .none`), a day past the hot window is deleted outright.
public struct RetentionPolicy: Sendable, Equatable {
    /// What happens to a day once it is older than the hot window.
    public enum Archive: Sendable, Equatable {
        /// Deleted from DuckDB without archiving.
        case none
        /// Archived to Parquet and kept there for good.
        case forever
        /// Archived to Parquet; deleted once older than this many seconds.
        case seconds(Int64)
    }

    public var table: AnalyticsTable
    /// Seconds rows stay in DuckDB.
    public var hotSeconds: Int64
    public var archive: Archive
    public var updatedAt: Date

    /// - Throws: ``StoreError`` when a window is not positive or the archive window is not
    ///   longer than the hot one (archived days would be deleted as soon as they are written).
    public init(table: AnalyticsTable, hotSeconds: Int64, archive: Archive, updatedAt: Date = Date()) throws {
        guard hotSeconds > 0 else { throw StoreError("the hot window of \(table.rawValue) must be longer than 0") }
        if case .seconds(let seconds) = archive, seconds <= hotSeconds {
            throw StoreError(
                "the archive window of \(table.rawValue) (\(Self.format(seconds: seconds))) must be longer than its hot window (\(Self.format(seconds: hotSeconds))), or use --no-archive")
        }
        self.table = table
        self.hotSeconds = hotSeconds
        self.archive = archive
        self.updatedAt = updatedAt
    }

    /// The analytics table named `name`, or an error listing the valid names.
    public static func table(named name: String) throws -> AnalyticsTable {
        guard let table = AnalyticsTable(rawValue: name) else {
            throw StoreError(
                "unknown table \"\(name)\": retention applies to \(AnalyticsTable.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return table
    }

    /// Seconds in a duration written as a whole number and a unit: `90m`, `36h`, `7d`, `52w`
    /// (`s` for seconds too). `what` names the option in the error.
    public static func seconds(in text: String, for what: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        guard let unit = text.last, let multiplier = units[unit], let count = Int64(text.dropLast()), count >= 0 else {
            throw StoreError("\(what) \"\(text)\" is not a duration: write a whole number and a unit, like 90m, 36h, 7d or 52w")
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow, seconds <= 100 * 366 * 86_400 else {
            throw StoreError("\(what) \"\(text)\" is longer than 100 years")
        }
        return seconds
    }

    /// `seconds` in the largest unit that divides it: `604800` is `7d`, `5400` is `90m`.
    public static func format(seconds: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    /// Start of the first day still in DuckDB at `now` (ns): every earlier day is entirely older
    /// than the hot window.
    public func hotCutoff(now: Int64) -> Int64 {
        ArchiveLayout.dayStart(of: now - hotSeconds * 1_000_000_000)
    }

    /// Start of the first day still kept at all at `now`: earlier days are deleted from DuckDB
    /// and from the archive. Equals ``hotCutoff(now:)`` without archiving; `nil` when archived
    /// days are kept for good.
    public func expiryCutoff(now: Int64) -> Int64? {
        switch archive {
        case .none: hotCutoff(now: now)
        case .forever: nil
        case .seconds(let seconds): ArchiveLayout.dayStart(of: now - seconds * 1_000_000_000)
        }
    }
}
