public import TradewatchIngest
public import TradewatchStorage
public import TradewatchQuery
public import TradewatchLive
public import TradewatchSimulator
public import TradewatchAuth

/// Everything `tradewatch serve` can be told. Defaults suit a developer's machine.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (the one chosen is printed).
    public var port: Int
    public var dataDirectory: String
    public var analytics: AnalyticsStore.Configuration
    /// The analytics database is checkpointed this often while its write-ahead log holds anything…
    public var checkpointInterval: Duration
    /// …and as soon as the log passes this many bytes (0: only by time). See StoreMaintenanceService.
    public var checkpointWALBytes: Int
    public var ingest: BatchWriter.Configuration
    public var ingestLimits: IngestLimits
    public var queryLimits: QueryLimits
    /// Pacing and limits of the live stream (`/api/v1/stream`).
    public var live: LiveConfiguration
    /// `--demo`: the simulator's settings when it runs inside the server, `nil` otherwise.
    public var demo: SimulationConfiguration?
    /// The API key the demo feed writes with, when the server requires keys.
    public var demoAPIKey: String?
    /// How often the system collector stores `system.*` and `process.*` metrics; `nil` turns it off.
    public var systemInterval: Duration?
    /// Whether requests need an API key (`--auth`). Unless set, optional on a loopback host and
    /// required on any other.
    public var auth: AuthMode {
        get { chosenAuth ?? AuthMode.defaultMode(host: host) }
        set { chosenAuth = newValue }
    }
    private var chosenAuth: AuthMode?
    /// `--insecure`: no authentication at all, even on a public address (logged loudly).
    public var insecure = false
    /// Rate limits per API key or client address (`--query-rate`, `--write-rate`, …); keys may
    /// have their own (`tradewatch keys limits`).
    public var rateLimits = RateLimitPolicy()
    /// Connection limits: how many, idle and read timeouts, header size.
    public var connectionLimits = ConnectionLimits()
    /// How often the archiver applies the retention policies (`--archive-interval`); `nil` runs
    /// it only when asked (`POST /api/v1/admin/archive`).
    public var archiveInterval: Duration? = .seconds(3_600)
    /// Hours of one-minute trade bars kept in memory for candles (`--candle-memory-hours`); 0 turns
    /// it off (every candles request runs SQL).
    public var candleMemoryHours = 48
    /// Logging is JSON lines to standard output and nothing else: access lines are then written
    /// there as bytes directly (the same lines, at a fraction of the cost of the general path).
    public var accessLogToStandardOutput = false

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./data",
        analytics: AnalyticsStore.Configuration = .init(), checkpointInterval: Duration = .seconds(60),
        checkpointWALBytes: Int = 1 << 20,
        ingest: BatchWriter.Configuration = .init(), ingestLimits: IngestLimits = .init(),
        queryLimits: QueryLimits = .init(), live: LiveConfiguration = .init(), systemInterval: Duration? = .seconds(1)
    ) {
        self.systemInterval = systemInterval
        self.queryLimits = queryLimits
        self.live = live
        self.ingest = ingest
        self.ingestLimits = ingestLimits
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.analytics = analytics
        self.checkpointInterval = checkpointInterval
        self.checkpointWALBytes = checkpointWALBytes
    }
}
