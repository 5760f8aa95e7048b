import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TradewatchIngest
import TradewatchServer
import TradewatchStorage

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

    @Option(help: "DuckDB read connections (env: TRADEWATCH_READ_CONNECTIONS; default: number of cores).")
    var readConnections: Int?

    @Option(help: "Seconds between DuckDB checkpoints (env: TRADEWATCH_CHECKPOINT_INTERVAL; default: 60).")
    var checkpointInterval: Int?

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

    @Option(help: "Log format: json (one object per line) or text (env: TRADEWATCH_LOG_FORMAT; default: json).")
    var logFormat: String?

    @Flag(help: "Also store the server's own log records in the logs table with service=tradewatch (env: TRADEWATCH_SELF_LOGS=1).")
    var selfLogs = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env: TRADEWATCH_LOG_LEVEL; default: info).")
    var logLevel: String?

    func run() async throws {
        let env = EnvironmentDefault()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let levelName = env.string(logLevel, "TRADEWATCH_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("log level \(levelName) is not one of trace, debug, info, notice, warning, error, critical")
        }
        let configuration = ServerConfiguration(
            host: env.string(host, "TRADEWATCH_HOST", default: "127.0.0.1"),
            port: try env.integer(port, "TRADEWATCH_PORT", default: 8080, range: 0...65535),
            dataDirectory: env.string(dataDir, "TRADEWATCH_DATA_DIR", default: "./data"),
            analytics: .init(
                threads: try env.integer(duckdbThreads, "TRADEWATCH_DUCKDB_THREADS", default: cores, range: 1...1024),
                memoryLimit: env.string(duckdbMemoryLimit, "TRADEWATCH_DUCKDB_MEMORY_LIMIT", default: "512MB"),
                readConnections: try env.integer(
                    readConnections, "TRADEWATCH_READ_CONNECTIONS", default: cores, range: 1...256)),
            checkpointInterval: .seconds(
                try env.integer(checkpointInterval, "TRADEWATCH_CHECKPOINT_INTERVAL", default: 60, range: 1...86_400)),
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
                    liveMaxConnections, "TRADEWATCH_LIVE_MAX_CONNECTIONS", default: 2_000, range: 1...100_000))
        )
        let format = env.string(logFormat, "TRADEWATCH_LOG_FORMAT", default: "json")
        guard format == "json" || format == "text" else {
            throw ValidationError("log format \(format) is not json or text")
        }
        let selfLogBuffer = selfLogs || env.environment["TRADEWATCH_SELF_LOGS"] == "1" ? SelfLogBuffer() : nil
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
            configuration: configuration, logger: logger, selfLogs: selfLogBuffer, onServerRunning: { port in
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

/// A failure that ends the command with its message and exit status 1.
struct FatalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard output at once (unbuffered, so scripts and tests see it).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
