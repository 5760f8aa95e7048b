import Synchronization
public import TradewatchCore

/// Which time ranges of each table are (partly) archived, kept in memory so that a query can
/// decide without a lookup whether it must read the `<table>_all` view (live rows plus Parquet
/// files) or can stay on the live table, whose scans are cheaper.
///
/// The archiver widens a table's span *before* its rows leave DuckDB and narrows it only after
/// the view stops listing a file, so a query choosing the live table never misses archived rows.
/// Thread safety: `Sendable`; readers and the archiver may run concurrently.
public final class ArchiveCatalog: Sendable {
    private let spans = Mutex<[AnalyticsTable: Range<Int64>]>([:])

    public init() {}

    /// The union of the archived days of `table`, `nil` when it has none.
    public func span(of table: AnalyticsTable) -> Range<Int64>? {
        spans.withLock { $0[table] }
    }

    /// Whether a statement reading `tables` over `range` (any time when `nil`) may need
    /// archived rows.
    public func reaches(_ tables: Set<AnalyticsTable>, over range: Range<Int64>?) -> Bool {
        spans.withLock { spans in
            tables.contains { table in
                guard let span = spans[table] else { return false }
                guard let range else { return true }
                return range.lowerBound < span.upperBound && span.lowerBound < range.upperBound
            }
        }
    }

    /// Adds `days` to the table's span.
    func widen(_ table: AnalyticsTable, to days: Range<Int64>) {
        spans.withLock { spans in
            let current = spans[table] ?? days
            spans[table] = min(current.lowerBound, days.lowerBound)..<max(current.upperBound, days.upperBound)
        }
    }

    /// Sets the table's span to what its complete partitions cover.
    func reset(_ table: AnalyticsTable, to entries: [ArchiveManifestEntry]) {
        let span = entries.isEmpty
            ? nil : entries.map(\.startNs).min()!..<entries.map(\.endNs).max()!
        spans.withLock { $0[table] = span }
    }
}
