import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TradewatchIngest
import TradewatchServer
import TradewatchStorage
import TradewatchSimulator

/// `tradewatch serve`: the long-running server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Tradewatch server.",
        discussion: """
            Every option can also be set by the environment variable named in its help; the command \
            line wins. SIGINT or SIGTERM stops the server gracefully: it stops accepting, finishes \
            requests in flight, checkpoints both databases and closes them.
            """
    )

    @Option(help: "Address to listen on (env: TRADEWATCH_HOST; default: 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (env: TRADEWATCH_PORT; default: 8080).")
    var port: Int?

    @Option(help: "Folder holding analytics.duckdb and operational.sqlite (env: TRADEWATCH_DATA_DIR; default: ./data).")
    var dataDir: String?

    @Option(help: "DuckDB threads per query (env: TRADEWATCH_DUCKDB_THREADS; default: number of cores).")
    var duckdbThreads: Int?

    @Option(help: "DuckDB memory limit, e.g. 512MB or 2GB (env: TRADEWATCH_DUCKDB_MEMORY_LIMIT; default: 512MB).")
    var duckdbMemoryLimit: String?

    @Option(help: "MiB of the database file's blocks DuckDB keeps in memory after a checkpoint; the rest is read from the file again when a query needs it (env: TRADEWATCH_DUCKDB_BLOCK_CACHE_MB; default: 8).")
    var duckdbBlockCacheMb: Int?

    @Option(help: "DuckDB read connections (env: TRADEWATCH_READ_CONNECTIONS; default: number of cores).")
    var readConnections: Int?

    @Option(help: "Seconds between DuckDB checkpoints while its write-ahead log holds anything (env: TRADEWATCH_CHECKPOINT_INTERVAL; default: 60).")
    var checkpointInterval: Int?

    @Option(help: "Checkpoint DuckDB (looked at once a second) once its write-ahead log passes this many MiB, 0 for by time only (env: TRADEWATCH_CHECKPOINT_WAL_MB; default: 1).")
    var checkpointWalMb: Int?

    @Option(help: "Largest write body in bytes; gzip bodies may inflate to 4 times this (env: TRADEWATCH_MAX_BODY_SIZE; default: 33554432).")
    var maxBodySize: Int?

    @Option(help: "Rows waiting for commit before writes are refused with 503 (env: TRADEWATCH_INGEST_QUEUE_ROWS; default: 1000000).")
    var ingestQueueRows: Int?

    @Option(help: "Milliseconds a commit after an idle spell waits for more requests to join it (env: TRADEWATCH_COMMIT_DELAY_MS; default: 2).")
    var commitDelayMs: Int?

    @Option(help: "Milliseconds a query may keep DuckDB busy before it is interrupted (env: TRADEWATCH_QUERY_TIMEOUT_MS; default: 10000).")
    var queryTimeoutMs: Int?

    @Option(help: "Most rows POST /api/v1/query returns; the answer says when it was cut (env: TRADEWATCH_QUERY_MAX_ROWS; default: 1000000).")
    var queryMaxRows: Int?

    @Option(help: "Live stream frames per second per subscription at most; faster rows are coalesced (env: TRADEWATCH_LIVE_MAX_FPS; default: 10).")
    var liveMaxFps: Int?

    @Option(help: "Rows waiting for one live client before the oldest are dropped and it is told it lagged (env: TRADEWATCH_LIVE_BUFFER_ROWS; default: 50000).")
    var liveBufferRows: Int?

    @Option(help: "Live stream connections at most (env: TRADEWATCH_LIVE_MAX_CONNECTIONS; default: 2000).")
    var liveMaxConnections: Int?

    @Option(help: "Seconds between system and process metrics (system.*, process.*), 0 turns the collector off (env: TRADEWATCH_SYSTEM_INTERVAL; default: 1).")
    var systemInterval: String?

    @Option(help: "Minutes between archiver runs applying the retention policies, 0 to run it only on POST /api/v1/admin/archive (env: TRADEWATCH_ARCHIVE_INTERVAL; default: 60).")
    var archiveInterval: Int?

    @Option(help: "Hours of one-minute trade bars per symbol kept in memory to answer candles without DuckDB, 0 to turn it off (env: TRADEWATCH_CANDLE_MEMORY_HOURS; default: 48).")
    var candleMemoryHours: Int?

    @Flag(help: "Run the market and strategy simulator inside the server, writing through its own HTTP API (env: TRADEWATCH_DEMO=1). Without it nothing simulated is ever written.")
    var demo = false

    @Option(help: "Demo market events (quotes and trades) per second (env: TRADEWATCH_DEMO_RATE; default: 200).")
    var demoRate: Double?

    @Option(help: "Demo symbols (env: TRADEWATCH_DEMO_SYMBOLS; default: 8).")
    var demoSymbols: Int?

    @Option(help: "Demo random seed: the same seed gives the same market (env: TRADEWATCH_DEMO_SEED; default: a new one each start, logged).")
    var demoSeed: UInt64?

    @Option(help: "API key the demo writes with when the server requires keys (env: TRADEWATCH_DEMO_API_KEY).")
    var demoApiKey: String?

    @Option(help: "Log format: json (one object per line) or text (env: TRADEWATCH_LOG_FORMAT; default: json).")
    var logFormat: String?

    @Flag(help: "Also store the server's own log records in the logs table with service=tradewatch (env: TRADEWATCH_SELF_LOGS=1).")
    var selfLogs = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env: TRADEWATCH_LOG_LEVEL; default: info).")
    var logLevel: String?

    @OptionGroup(title: "Rate and request limits")
    var limits: LimitOptions

    @Option(help: "API keys required or optional (env: TRADEWATCH_AUTH; default: optional on a loopback host, required on any other, where optional needs --insecure).")
    var auth: String?

    @Flag(help: "No API key authentication at all, even on a public address: anyone who can connect may read and write (env: TRADEWATCH_INSECURE=1).")
    var insecure = false

    func run() async throws {
        let env = EnvironmentDefault()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let levelName = env.string(logLevel, "TRADEWATCH_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("log level \(levelName) is not one of trace, debug, info, notice, warning, error, critical")
        }
        var configuration = ServerConfiguration(
            host: env.string(host, "TRADEWATCH_HOST", default: "127.0.0.1"),
            port: try env.integer(port, "TRADEWATCH_PORT", default: 8080, range: 0...65535),
            dataDirectory: env.string(dataDir, "TRADEWATCH_DATA_DIR", default: "./data"),
            analytics: .init(
                threads: try env.integer(duckdbThreads, "TRADEWATCH_DUCKDB_THREADS", default: cores, range: 1...1024),
                memoryLimit: env.string(duckdbMemoryLimit, "TRADEWATCH_DUCKDB_MEMORY_LIMIT", default: "512MB"),
                readConnections: try env.integer(
                    readConnections, "TRADEWATCH_READ_CONNECTIONS", default: cores, range: 1...256),
                blockCacheBytes: try env.integer(
                    duckdbBlockCacheMb, "TRADEWATCH_DUCKDB_BLOCK_CACHE_MB", default: 8, range: 0...1_000_000) << 20),
            checkpointInterval: .seconds(
                try env.integer(checkpointInterval, "TRADEWATCH_CHECKPOINT_INTERVAL", default: 60, range: 1...86_400)),
            checkpointWALBytes: try env.integer(
                checkpointWalMb, "TRADEWATCH_CHECKPOINT_WAL_MB", default: 1, range: 0...100_000) << 20,
            ingest: .init(
                maxQueuedRows: try env.integer(
                    ingestQueueRows, "TRADEWATCH_INGEST_QUEUE_ROWS", default: 1_000_000, range: 1_000...100_000_000),
                commitDelay: .milliseconds(
                    try env.integer(commitDelayMs, "TRADEWATCH_COMMIT_DELAY_MS", default: 2, range: 0...1_000))),
            ingestLimits: try {
                let body = try env.integer(
                    maxBodySize, "TRADEWATCH_MAX_BODY_SIZE", default: 32 * 1024 * 1024, range: 1_024...1_073_741_824)
                return IngestLimits(maxBodyBytes: body, maxInflatedBytes: 4 * body)
            }(),
            queryLimits: .init(
                timeout: .milliseconds(
                    try env.integer(queryTimeoutMs, "TRADEWATCH_QUERY_TIMEOUT_MS", default: 10_000, range: 1...3_600_000)),
                maxRows: try env.integer(queryMaxRows, "TRADEWATCH_QUERY_MAX_ROWS", default: 1_000_000, range: 1...1_000_000_000)),
            live: .init(
                maxFramesPerSecond: try env.integer(liveMaxFps, "TRADEWATCH_LIVE_MAX_FPS", default: 10, range: 1...1_000),
                maxBufferedRows: try env.integer(
                    liveBufferRows, "TRADEWATCH_LIVE_BUFFER_ROWS", default: 50_000, range: 10...10_000_000),
                maxConnections: try env.integer(
                    liveMaxConnections, "TRADEWATCH_LIVE_MAX_CONNECTIONS", default: 2_000, range: 1...100_000)),
            systemInterval: try Self.systemInterval(env.string(systemInterval, "TRADEWATCH_SYSTEM_INTERVAL", default: "1"))
        )
        try applyAuthOptions(to: &configuration, env: env)
        try limits.apply(to: &configuration, env: env)
        let archiveMinutes = try env.integer(archiveInterval, "TRADEWATCH_ARCHIVE_INTERVAL", default: 60, range: 0...10_080)
        configuration.archiveInterval = archiveMinutes == 0 ? nil : .seconds(archiveMinutes * 60)
        configuration.candleMemoryHours = try env.integer(
            candleMemoryHours, "TRADEWATCH_CANDLE_MEMORY_HOURS", default: 48, range: 0...8_760)
        if demo || env.environment["TRADEWATCH_DEMO"] == "1" {
            configuration.demo = try demoConfiguration(env)
            configuration.demoAPIKey = demoApiKey ?? env.environment["TRADEWATCH_DEMO_API_KEY"]
        }
        let format = env.string(logFormat, "TRADEWATCH_LOG_FORMAT", default: "json")
        guard format == "json" || format == "text" else {
            throw ValidationError("log format \(format) is not json or text")
        }
        let selfLogBuffer = selfLogs || env.environment["TRADEWATCH_SELF_LOGS"] == "1" ? SelfLogBuffer() : nil
        configuration.accessLogToStandardOutput = format == "json" && selfLogBuffer == nil
        // Every log line written inside a request's task carries its correlation id.
        LoggingSystem.bootstrap({ label, provider in
            let output: any LogHandler = format == "json"
                ? JSONLogHandler(label: label, metadataProvider: provider)
                : StreamLogHandler.standardOutput(label: label, metadataProvider: provider)
            guard let selfLogBuffer else { return output }
            var selfLog = SelfLogHandler(label: label, buffer: selfLogBuffer)
            selfLog.metadataProvider = provider
            return MultiplexLogHandler([output, selfLog])
        }, metadataProvider: RequestCorrelation.metadataProvider)
        var logger = Logger(label: "tradewatch")
        logger.logLevel = level

        let started = ContinuousClock.now
        let dataDirectory = URL(fileURLWithPath: configuration.dataDirectory).standardizedFileURL.path
        // Store errors (unusable data directory, locked or foreign database file) surface here,
        // before anything listens, as one message naming the file.
        let app = try await buildApplication(
            configuration: configuration, logger: logger, selfLogs: selfLogBuffer, onServerRunning: { [configuration] port in
            let elapsed = (ContinuousClock.now - started).components
            let milliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
            say("Tradewatch listening on http://\(configuration.host):\(port), data in \(dataDirectory) (ready in \(milliseconds) ms)")
        })
        do {
            try await app.runService()
        } catch {
            let text = "\(error)"
            if text.contains("Address already in use") || text.contains("errno: 98") {
                throw PortInUseError(host: configuration.host, port: configuration.port)
            }
            if text.contains("Cannot assign requested address") {
                throw FatalError("cannot listen on \(configuration.host): no such local address")
            }
            throw error
        }
        say("Tradewatch stopped: requests finished, databases checkpointed and closed")
    }
}

extension ServeCommand {
    /// The simulator's settings for `--demo`, from options or the environment.
    func demoConfiguration(_ env: EnvironmentDefault) throws -> SimulationConfiguration {
        let rateText = env.string(demoRate.map { "\($0)" }, "TRADEWATCH_DEMO_RATE", default: "200")
        guard let rate = Double(rateText) else { throw ValidationError("demo rate \(rateText) is not a number") }
        let symbols = try env.integer(demoSymbols, "TRADEWATCH_DEMO_SYMBOLS", default: 8, range: 1...1_000)
        // A new seed each start unless one is given: order and correlation ids of two runs into
        // one data directory must not repeat.
        let seedText = env.string(
            demoSeed.map { "\($0)" }, "TRADEWATCH_DEMO_SEED", default: "\(UInt64.random(in: 1...999_999_999))")
        guard let seed = UInt64(seedText) else { throw ValidationError("demo seed \(seedText) is not a whole number") }
        let configuration = SimulationConfiguration(
            symbols: SimulationConfiguration.symbols(count: symbols), rate: rate, seed: seed)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("demo: \(error)")
        }
        return configuration
    }

    /// `0` turns the collector off; otherwise 0.1 to 3600 seconds, fractions allowed.
    static func systemInterval(_ text: String) throws -> Duration? {
        guard let seconds = Double(text), seconds.isFinite else {
            throw ValidationError("system interval \(text) is not a number of seconds")
        }
        if seconds == 0 { return nil }
        guard (0.1...3600).contains(seconds) else {
            throw ValidationError("system interval \(text) is outside 0.1...3600 seconds (0 turns the collector off)")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

extension ServeCommand {
    /// `--auth` and `--insecure` (or their variables); they contradict each other.
    func applyAuthOptions(to configuration: inout ServerConfiguration, env: EnvironmentDefault) throws {
        if let name = auth ?? env.environment["TRADEWATCH_AUTH"] {
            guard let mode = AuthMode(rawValue: name) else {
                throw ValidationError("auth \(name) is not required or optional")
            }
            configuration.auth = mode
        }
        configuration.insecure = insecure || env.environment["TRADEWATCH_INSECURE"] == "1"
        if configuration.insecure, auth == "required" || env.environment["TRADEWATCH_AUTH"] == "required" {
            throw ValidationError("--insecure turns authentication off, so it cannot be combined with --auth required")
        }
    }
}

/// A failure that ends the command with its message and exit status 1.
struct FatalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard output at once (unbuffered, so scripts and tests see it).
func say(_ line: String) {
    LogSink.standardOutput.flush()  // log lines written before this one come first
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
