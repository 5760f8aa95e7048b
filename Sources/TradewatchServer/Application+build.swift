public import Hummingbird
public import Logging
public import TradewatchCore
public import TradewatchIngest
import TradewatchStorage
import TradewatchQuery

/// Opens the stores in the data directory and builds the HTTP application that owns them.
///
/// - Throws: ``PortInUseError`` before touching the data directory when the port is taken, and
///   ``StoreError`` with one clear message when the data directory or a store cannot be used.
///   An existing file is never changed by a failed start.
public func buildApplication(
    configuration: ServerConfiguration, logger: Logger,
    selfLogs: SelfLogBuffer? = nil,
    onCommit: @escaping BatchWriter.CommitHook = { _, _ in },
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    try checkPortAvailable(host: configuration.host, port: configuration.port)
    let stores = try Stores(dataDirectory: configuration.dataDirectory, analyticsConfiguration: configuration.analytics)
    let metrics = ServerMetrics()
    // Latest values live in memory: loaded once here, then kept current by every commit, as is
    // the query cache's record of what each commit wrote.
    let latest = LatestValues()
    let started = ContinuousClock.now
    try await latest.load(from: stores.analytics)
    logger.info(
        "Latest values loaded", metadata: ["event": "latest.loaded", "elapsed": .stringConvertible(ContinuousClock.now - started)])
    let cache = QueryCache()
    let writer = BatchWriter(
        store: stores.analytics, lastCommitted: try await stores.analytics.lastCommitSequence(),
        configuration: configuration.ingest, logger: logger, metricsFactory: metrics.factory,
        onCommit: { sequence, batches in
            latest.record(batches)
            cache.recordCommit(sequence: sequence, batches: batches)
            onCommit(sequence, batches)
        })
    let queries = QueryController(
        store: stores.analytics, writer: writer, registry: RunningQueries(), cache: cache, latest: latest,
        limits: configuration.queryLimits, metrics: metrics)
    let router = buildRouter(
        stores: stores, writer: writer, limits: configuration.ingestLimits, metrics: metrics, queries: queries)
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Tradewatch"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    // Services stop in reverse order: the server first (finishing its requests), then the
    // writer (committing everything accepted), then the stores (final checkpoint, close).
    app.addServices(
        StoreMaintenanceService(stores: stores, checkpointInterval: configuration.checkpointInterval, logger: logger),
        RollupService(store: stores.analytics, logger: logger),
        writer)
    if let selfLogs {
        app.addServices(SelfLogService(buffer: selfLogs, writer: writer))
    }
    return app
}

/// The routes of the server.
func buildRouter(
    stores: Stores, writer: BatchWriter, limits: IngestLimits, metrics: ServerMetrics, queries: QueryController
) -> Router<TradewatchRequestContext> {
    let router = Router(context: TradewatchRequestContext.self)
    let routes = Set(["/health", "/ready", "/metrics", "/write", "/api/v2/write", "/ping", "/api/v2/ping", "/query", "/openapi.json", "/docs"])
        .union(AnalyticsTable.allCases.map { "/api/v1/\($0.rawValue)" })
        .union(QueryController.routes)
    router.add(middleware: RequestLoggingMiddleware(metrics: metrics, knownRoutes: routes))
    router.addRoutes(HealthController(stores: stores).routes)
    IngestController(writer: writer, limits: limits, metrics: metrics).addRoutes(to: router)
    InfluxCompatibilityController().addRoutes(to: router)
    MetricsController(metrics: metrics, stores: stores, beforeScrape: queries.updateGauges).addRoutes(to: router)
    queries.addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    return router
}
