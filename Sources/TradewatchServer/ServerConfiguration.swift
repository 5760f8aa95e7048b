public import TradewatchIngest
public import TradewatchStorage
public import TradewatchQuery
public import TradewatchLive

/// Everything `tradewatch serve` can be told. Defaults suit a developer's machine.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (the one chosen is printed).
    public var port: Int
    public var dataDirectory: String
    public var analytics: AnalyticsStore.Configuration
    public var checkpointInterval: Duration
    public var ingest: BatchWriter.Configuration
    public var ingestLimits: IngestLimits
    public var queryLimits: QueryLimits
    /// Pacing and limits of the live stream (`/api/v1/stream`).
    public var live: LiveConfiguration

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./data",
        analytics: AnalyticsStore.Configuration = .init(), checkpointInterval: Duration = .seconds(60),
        ingest: BatchWriter.Configuration = .init(), ingestLimits: IngestLimits = .init(),
        queryLimits: QueryLimits = .init(), live: LiveConfiguration = .init()
    ) {
        self.queryLimits = queryLimits
        self.live = live
        self.ingest = ingest
        self.ingestLimits = ingestLimits
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.analytics = analytics
        self.checkpointInterval = checkpointInterval
    }
}
