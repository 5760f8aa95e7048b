import ArgumentParser
import TradewatchAuth
import TradewatchServer

/// The rate and request limit options of `tradewatch serve`: every one also read from the
/// environment variable its help names; the command line wins.
struct LimitOptions: ParsableArguments {
    @Option(help: "Query requests per second per API key or client address, 0 for no limit (env: TRADEWATCH_QUERY_RATE; default: 100).")
    var queryRate: String?

    @Option(help: "Query requests a client may send at once beyond the rate (env: TRADEWATCH_QUERY_BURST; default: twice the query rate).")
    var queryBurst: String?

    @Option(help: "Queries one API key or client address may have running at once, 0 for no limit (env: TRADEWATCH_MAX_CONCURRENT_QUERIES; default: 16).")
    var maxConcurrentQueries: Int?

    @Option(help: "Write requests per second per API key or client address, burst twice that, 0 for no limit (env: TRADEWATCH_WRITE_RATE; default: 0).")
    var writeRate: String?

    @Option(help: "Rows written per second per API key or client address, burst twice that, 0 for no limit (env: TRADEWATCH_WRITE_ROWS_RATE; default: 0).")
    var writeRowsRate: String?

    @Option(help: "Most lines in one line-protocol request (env: TRADEWATCH_MAX_LINES; default: 1000000).")
    var maxLines: Int?

    @Option(help: "Longest line-protocol line in bytes (env: TRADEWATCH_MAX_LINE_BYTES; default: 65536).")
    var maxLineBytes: Int?

    @Option(help: "Largest request head (header fields together) in bytes; larger ones get 431 (env: TRADEWATCH_MAX_HEADER_BYTES; default: 81920).")
    var maxHeaderBytes: Int?

    @Option(help: "Seconds a connection may wait for its next request before it is closed (env: TRADEWATCH_IDLE_TIMEOUT; default: 60).")
    var idleTimeout: String?

    @Option(help: "Seconds a client has to send a whole request from its first byte, else 408 and close (env: TRADEWATCH_READ_TIMEOUT; default: 60).")
    var readTimeout: String?

    @Option(help: "Open connections at most; more get 503 (env: TRADEWATCH_MAX_CONNECTIONS; default: 10000).")
    var maxConnections: Int?

    /// Puts the limits into `configuration`.
    func apply(to configuration: inout ServerConfiguration, env: EnvironmentDefault) throws {
        let queryRate = try Self.number(queryRate, "--query-rate", "TRADEWATCH_QUERY_RATE", default: "100", env)
        let burstGiven = queryBurst != nil || env.environment["TRADEWATCH_QUERY_BURST"] != nil
        let burst: Double? =
            burstGiven
            ? try Self.number(queryBurst, "--query-burst", "TRADEWATCH_QUERY_BURST", default: "1", env, range: 1...1e12) : nil
        let concurrent = try env.integer(
            maxConcurrentQueries, "TRADEWATCH_MAX_CONCURRENT_QUERIES", default: 16, range: 0...1_000_000)
        let writeRate = try Self.number(writeRate, "--write-rate", "TRADEWATCH_WRITE_RATE", default: "0", env)
        let rowsRate = try Self.number(writeRowsRate, "--write-rows-rate", "TRADEWATCH_WRITE_ROWS_RATE", default: "0", env)
        configuration.rateLimits = RateLimitPolicy(
            queries: queryRate > 0 ? RateLimitRate(perSecond: queryRate, burst: burst) : nil,
            maxConcurrentQueries: concurrent > 0 ? concurrent : nil,
            writes: writeRate > 0 ? RateLimitRate(perSecond: writeRate) : nil,
            writeRows: rowsRate > 0 ? RateLimitRate(perSecond: rowsRate) : nil)
        configuration.ingestLimits.maxLines = try env.integer(
            maxLines, "TRADEWATCH_MAX_LINES", default: 1_000_000, range: 1...1_000_000_000)
        configuration.ingestLimits.maxLineBytes = try env.integer(
            maxLineBytes, "TRADEWATCH_MAX_LINE_BYTES", default: 64 * 1024, range: 64...1_073_741_824)
        configuration.connectionLimits = ConnectionLimits(
            maxConnections: try env.integer(
                maxConnections, "TRADEWATCH_MAX_CONNECTIONS", default: 10_000, range: 1...1_000_000),
            idleTimeout: try Self.seconds(idleTimeout, "--idle-timeout", "TRADEWATCH_IDLE_TIMEOUT", env),
            readTimeout: try Self.seconds(readTimeout, "--read-timeout", "TRADEWATCH_READ_TIMEOUT", env),
            maxHeaderBytes: try env.integer(
                maxHeaderBytes, "TRADEWATCH_MAX_HEADER_BYTES", default: 80 * 1024, range: 1_024...16 * 1024 * 1024))
    }

    /// A rate or burst from the option, else its variable, else the default: a number (fractions
    /// allowed) within `range`; a bad value is refused naming the option or the variable.
    static func number(
        _ option: String?, _ name: String, _ variable: String, default fallback: String, _ env: EnvironmentDefault,
        range: ClosedRange<Double> = 0...1e12
    ) throws -> Double {
        let text = env.string(option, variable, default: fallback)
        let label = option == nil && env.environment[variable] != nil ? "\(variable)=\(text)" : "\(name) \(text)"
        guard let value = Double(text), value.isFinite else {
            throw ValidationError("\(label) is not a number")
        }
        guard range.contains(value) else {
            throw ValidationError("\(label) is outside \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))")
        }
        return value
    }

    /// A timeout in seconds, fractions allowed, from 0.1 s to a day; 60 unless given.
    static func seconds(_ option: String?, _ name: String, _ variable: String, _ env: EnvironmentDefault) throws -> Duration {
        let seconds = try number(option, name, variable, default: "60", env, range: 0.1...86_400)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
