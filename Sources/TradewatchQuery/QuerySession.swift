public import TradewatchStorage

/// A query from its start to its last byte: the leased connection, its entry in
/// ``RunningQueries``, and the statements it runs one after the other on that connection.
///
/// ``close()`` ends it; a session dropped without closing (a response body never written)
/// ends itself in `deinit`, so a connection is never lost.
public final class QuerySession: @unchecked Sendable {
    let registry: RunningQueries
    let entry: RunningQueries.Entry
    private var current: StreamedQuery?
    private var closed = false
    private let started = ContinuousClock.now
    /// What is archived: each plan runs on the tables, or on their `_all` views when it reaches it.
    private let archive: ArchiveCatalog
    /// Rows written by the statements finished so far.
    public private(set) var rowCount = 0
    /// Called once when the session closes, with how long it ran and the rows it wrote.
    public var onClose: (@Sendable (_ elapsed: Duration, _ rows: Int) -> Void)?

    /// Takes a read connection and registers the query as running.
    public init(store: AnalyticsStore, registry: RunningQueries, sql: String, endpoint: String, correlationID: String) async {
        self.registry = registry
        archive = store.archiveCatalog
        entry = registry.register(
            sql: sql, endpoint: endpoint, correlationID: correlationID, lease: await store.leaseReader())
    }

    deinit {
        current?.abandon()
        current = nil
        if !closed { registry.unregister(entry) }
    }

    public var id: String { entry.id }

    /// Starts `plan` (ending the previous statement first) and returns it after its first chunk.
    public func start(_ plan: QueryPlan, options: StreamedQuery.Options) async throws -> StreamedQuery {
        if let current {
            try await current.finish()
            rowCount += current.encoder?.rowCount ?? 0
        }
        var options = options
        options.readsArchive = options.userSQL && archive.reaches(plan.tables, over: nil)
        let query = StreamedQuery(plan: plan.resolved(against: archive), options: options, entry: entry)
        current = query
        try await query.start()
        return query
    }

    /// Runs `body` (starting or reading statements); if it throws, closes the session first, so
    /// a failed query never keeps its connection.
    public func closingOnError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            await close()
            throw error
        }
    }

    /// Ends the running statement, gives the connection back and unregisters the query.
    public func close() async {
        guard !closed else { return }
        if let current {
            try? await current.finish()
            rowCount += current.encoder?.rowCount ?? 0
        }
        current = nil
        closed = true
        onClose?(.now - started, rowCount)
        registry.unregister(entry)
        entry.lease.release()
    }
}
