public import DuckDB
public import TradewatchCore

/// One SQL statement a query endpoint runs, with what the cache needs to know about it.
public struct QueryPlan: Sendable, Hashable {
    /// A single SELECT statement with `?` placeholders.
    public var sql: String
    public var parameters: [DuckDBValue]
    /// The tables the statement reads: a write to any of them may change its answer.
    public var tables: Set<AnalyticsTable>
    /// The time window `[start, end)` in ns the statement reads, when it reads only one; a write
    /// outside it cannot change the answer. `nil` means any write to ``tables`` can.
    public var window: Range<Int64>?
    /// The same statement over the `<table>_all` views, run instead when its range reaches
    /// archived days (see QueryPlan+Archive.swift); `nil` for statements that never need them.
    public var archived: ArchivedSource?

    public init(sql: String, parameters: [DuckDBValue] = [], tables: Set<AnalyticsTable>, window: Range<Int64>? = nil) {
        self.sql = sql
        self.parameters = parameters
        self.tables = tables
        self.window = window
    }
}
