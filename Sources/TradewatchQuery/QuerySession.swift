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

    /// Takes a read connection and registers the query as running.
    public init(store: AnalyticsStore, registry: RunningQueries, sql: String, endpoint: String, correlationID: String) async {
        self.registry = registry
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
        if let current { try await current.finish() }
        let query = StreamedQuery(plan: plan, options: options, entry: entry)
        current = query
        try await query.start()
        return query
    }

    /// Ends the running statement, gives the connection back and unregisters the query.
    public func close() async {
        guard !closed else { return }
        if let current { try? await current.finish() }
        current = nil
        closed = true
        registry.unregister(entry)
        entry.lease.release()
    }
}
