public import Hummingbird
public import Logging
public import TradewatchCore
public import TradewatchIngest
import TradewatchStorage
import TradewatchQuery
import TradewatchLive
import HummingbirdWebSocket
import TradewatchAuth
import TradewatchSystem
public import ServiceLifecycle

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
) async throws -> ServerRunner<some ApplicationProtocol> {
    try checkPortAvailable(host: configuration.host, port: configuration.port)
    let listening = ListeningPort()
    // Auth refusals that need no store come first: a refused start creates no data directory.
    try AuthSetup.checkBeforeOpening(configuration)
    if configuration.demo != nil, configuration.demoAPIKey == nil, !configuration.insecure, configuration.auth == .required {
        // Every demo write would be refused with 401: say so once, now, instead.
        throw StoreError(
            "--demo on a server that requires API keys needs --demo-api-key (TRADEWATCH_DEMO_API_KEY): a key with the write scope, from `tradewatch keys create --scope write`")
    }
    let stores = try Stores(dataDirectory: configuration.dataDirectory, analyticsConfiguration: configuration.analytics)
    // Refuses (closing the stores) a public address without keys; nil when --insecure.
    let auth = try await AuthSetup.prepare(configuration, stores: stores, logger: logger)
    // Finishes or undoes what a crash left of an archive run and points the `<table>_all` views
    // at this data directory's archive, before any query runs.
    let cache = QueryCache()
    // One-minute bars of recent trades, for candles from memory; read again after the archiver deletes rows.
    let minuteBars = MinuteBars(configuration: .init(hours: configuration.candleMemoryHours))
    let archiver = Archiver(stores: stores, logger: logger, onRowsChanged: {
        cache.removeAll()
        minuteBars.markStale()
    })
    _ = try await archiver.reconcile()
    let metrics = ServerMetrics()
    // Per-key limits are read now, then every few seconds by KeyRateLimitsService.
    let rateLimiter = RateLimiter(policy: configuration.rateLimits)
    rateLimiter.setKeyLimits(try await stores.operational.apiKeyRateLimits())
    // Latest values live in memory: loaded once here (archived days' by a service, after
    // startup), then kept current by every commit, as is the query cache's record of what
    // each commit wrote.
    let latest = LatestValues()
    let started = ContinuousClock.now
    try await latest.load(from: stores.analytics)
    logger.info(
        "Latest values loaded", metadata: ["event": "latest.loaded", "elapsed": .stringConvertible(ContinuousClock.now - started)])
    if minuteBars.isEnabled {
        let barsStarted = ContinuousClock.now
        try await minuteBars.load(from: stores.analytics)
        logger.info("Minute bars loaded", metadata: [
            "event": "minute_bars.loaded", "elapsed": .stringConvertible(ContinuousClock.now - barsStarted),
            "bars": .stringConvertible(minuteBars.statistics.bars), "symbols": .stringConvertible(minuteBars.statistics.symbols),
        ])
    }
    // Trades reach the bars through a queue of their own, off the committer thread.
    let barsFeed = MinuteBarsFeed(bars: minuteBars, logger: logger)
    let hub = LiveHub(configuration: configuration.live, logger: logger)
    // Commits reach the hub through a queue: the writer never waits on live clients.
    let feed = LiveFeed(hub: hub, logger: logger)
    let writer = BatchWriter(
        store: stores.analytics, lastCommitted: try await stores.analytics.lastCommitSequence(),
        configuration: configuration.ingest, logger: logger, metricsFactory: metrics.factory,
        onCommit: { sequence, batches in
            latest.record(batches)
            barsFeed.submit(sequence: sequence, batches: batches)
            cache.recordCommit(sequence: sequence, batches: batches)
            feed.submit(sequence: sequence, batches: batches)
            onCommit(sequence, batches)
        })
    let queries = QueryController(
        store: stores.analytics, writer: writer, registry: RunningQueries(), cache: cache, latest: latest,
        limits: configuration.queryLimits, metrics: metrics, minuteBars: minuteBars)
    // Frames up to 1 MiB (16 times the largest message by default): a message above the live
    // limit gets an error reply, one above this closes the socket (1009).
    let stream = StreamController(
        hub: hub, reader: LiveStoreReader(store: stores.analytics), writer: writer, latest: latest,
        configuration: configuration.live, maxFrameBytes: max(1 << 20, configuration.live.maxMessageBytes * 2))
    let router = buildRouter(
        stores: stores, writer: writer, limits: configuration.ingestLimits, metrics: metrics, queries: queries,
        stream: stream, liveStatistics: { hub.statistics }, auth: auth,
        rateLimiter: rateLimiter, accessSink: configuration.accessLogToStandardOutput ? .standardOutput : nil)
    // Operator endpoints under /api/v1/admin/ (the admin scope when auth is on).
    AdminController(archiver: archiver).addRoutes(to: router)
    let webSocketRouter = Router(context: LiveRequestContext.self)
    auth?.install(on: webSocketRouter)
    stream.addRoutes(to: webSocketRouter)
    var app = Application(
        router: router,
        server: .guardedHTTP1WebSocketUpgrade(
            webSocketRouter: webSocketRouter,
            webSocket: .init(maxFrameSize: stream.maxFrameBytes, autoPing: .enabled(timePeriod: .seconds(30))),
            limits: configuration.connectionLimits, metrics: metrics),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Tradewatch"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            listening.resolve(port)
            await onServerRunning(port)
        },
        logger: logger
    )
    // Services stop in reverse order: the server first (finishing its requests), then the
    // writer (committing everything accepted), then the stores (final checkpoint, close).
    app.addServices(
        StoreMaintenanceService(
            stores: stores,
            policy: .init(interval: configuration.checkpointInterval, walBytes: configuration.checkpointWALBytes),
            logger: logger),
        RollupService(store: stores.analytics, logger: logger),
        LatestValuesArchiveService(latest: latest, store: stores.analytics, logger: logger),
        writer, hub, feed, barsFeed)
    app.addServices(KeyRateLimitsService(limiter: rateLimiter, store: stores.operational, logger: logger))
    if let selfLogs {
        app.addServices(SelfLogService(buffer: selfLogs, writer: writer))
    }
    if let interval = configuration.archiveInterval {
        app.addServices(ArchiverService(archiver: archiver, interval: interval))
    }
    if let auth {
        app.addServices(APIKeyUsageService(authenticator: auth.authenticator, logger: logger))
    }
    if let interval = configuration.systemInterval {
        // Through the batch writer like any client's rows: committed, streamed live, in latest.
        app.addServices(SystemCollectorService(
            dataDirectory: stores.dataDirectory, interval: interval, logger: logger,
            submit: { batch in _ = try await writer.submit([batch]) }))
    }
    let demo = configuration.demo.map { demo in
        DemoService(
            port: listening, host: configuration.host, simulation: demo, apiKey: configuration.demoAPIKey, logger: logger)
    }
    return ServerRunner(app: app, demo: demo, logger: logger)
}

/// What `tradewatch serve` runs: the application, and the demo feed beside it rather than among
/// its services. Hummingbird stops its HTTP server before the services it was given, so a feed
/// inside would write to a closed port during shutdown (and log a retry per write); beside it,
/// the feed stops first and the server then drains as usual.
public struct ServerRunner<App: ApplicationProtocol>: Service {
    public let app: App
    let demo: DemoService?
    let logger: Logger

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully: the demo feed first, then the
    /// application (HTTP server, ingest queue, stores).
    public func runService() async throws {
        try await ServiceGroup(
            configuration: .init(services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        ).run()
    }

    public func run() async throws {
        // A group shuts its services down in reverse order, each after the one before has ended.
        let services: [any Service] = [app] + (demo.map { [$0] } ?? [])
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            // The handler cannot await: the inner group's shutdown runs beside it.
            Task { await group.triggerGracefulShutdown() }
        }
    }
}

/// The routes of the server.
func buildRouter(
    stores: Stores, writer: BatchWriter, limits: IngestLimits, metrics: ServerMetrics, queries: QueryController,
    stream: StreamController? = nil, liveStatistics: @escaping @Sendable () -> LiveStatistics = { LiveStatistics() },
    auth: AuthSetup? = nil, rateLimiter: RateLimiter? = nil, accessSink: LogSink? = nil
) -> Router<TradewatchRequestContext> {
    let router = Router(context: TradewatchRequestContext.self)
    let routes = Set(["/health", "/ready", "/metrics", "/write", "/api/v2/write", "/ping", "/api/v2/ping", "/query", "/openapi.json", "/docs"])
        .union(AnalyticsTable.allCases.map { "/api/v1/\($0.rawValue)" })
        .union(QueryController.routes)
        .union([StreamController.path])
        .union(DashboardController.routes)
        .union(AdminController.routes)
    var requestLogging = RequestLoggingMiddleware(metrics: metrics, knownRoutes: routes)
    requestLogging.accessSink = accessSink
    router.add(middleware: requestLogging)
    auth?.install(on: router, metrics: metrics)
    if let rateLimiter {
        router.add(middleware: RateLimitMiddleware(limiter: rateLimiter, metrics: metrics))
    }
    router.addRoutes(HealthController(stores: stores).routes)
    IngestController(writer: writer, limits: limits, metrics: metrics, rateLimiter: rateLimiter).addRoutes(to: router)
    InfluxCompatibilityController().addRoutes(to: router)
    MetricsController(metrics: metrics, stores: stores) {
        queries.updateGauges()
        let live = liveStatistics()
        metrics.setLiveGauges(
            clients: live.clients, subscriptions: live.subscriptions, framesSent: live.framesSent,
            rowsDropped: live.rowsDropped)
    }.addRoutes(to: router)
    queries.addRoutes(to: router)
    stream?.addHTTPRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    // Last, so it sees only requests no route took: the page and its assets.
    router.add(middleware: DashboardController())
    return router
}
