public import TradewatchCore
public import TradewatchStorage

/// The relation a statement reads each table from: the table itself, or its `<table>_all` view
/// (live rows plus archived Parquet files, see `ArchiveViews`).
///
/// Query builders write every table name through one of these and build their statement twice;
/// ``QuerySession`` runs the archive variant only when the statement's range reaches archived
/// days, so queries of recent data keep the live tables' plans and speed.
public struct SourceRelations: Sendable, Hashable {
    public static let live = SourceRelations(archived: false)
    public static let withArchive = SourceRelations(archived: true)

    public let archived: Bool

    /// The relation to read `table` from.
    public func callAsFunction(_ table: AnalyticsTable) -> String {
        archived ? ArchiveViews.name(of: table) : table.rawValue
    }
}

/// A statement's variant over the `_all` views, and the time range whose rows it reads.
public struct ArchivedSource: Sendable, Hashable {
    /// The statement with every table read through its `_all` view; same placeholders.
    public var sql: String
    /// Row timestamps the statement reads, `nil` for any.
    public var reach: Range<Int64>?

    public init(sql: String, reach: Range<Int64>?) {
        self.sql = sql
        self.reach = reach
    }
}

extension QueryPlan {
    /// The statement to run: the archive variant when `catalog` says its range reaches
    /// archived days of one of its tables, else `self`.
    public func resolved(against catalog: ArchiveCatalog) -> QueryPlan {
        guard let archived, catalog.reaches(tables, over: archived.reach) else { return self }
        var plan = self
        plan.sql = archived.sql
        plan.archived = nil
        return plan
    }
}
