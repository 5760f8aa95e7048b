public import TradewatchCore

/// What one subscription of a live client asks for: rows of one table that pass a filter, or
/// the forming bars of one symbol's candles.
public struct LiveSubscription: Sendable, Hashable {
    /// Chosen by the client; names the subscription in every frame sent for it.
    public let id: String
    /// `metrics`, `trades`, `quotes`, `executions`, `performance`, `logs`, or `candles` for live
    /// candles built from trades.
    public let table: AnalyticsTable
    public let filter: LiveFilter
    /// Bar width in nanoseconds, for `candles` only.
    public let interval: Int64?

    public init(id: String, table: AnalyticsTable, filter: LiveFilter = LiveFilter(), interval: Int64? = nil) {
        self.id = id
        self.table = table
        self.filter = filter
        self.interval = interval
    }
}

/// Which rows a subscription wants: for each named text column, the values accepted (any of
/// them). A row passes when every named column holds one of its values; no columns, every row.
public struct LiveFilter: Sendable, Hashable {
    public var columns: [String: Set<String>]

    public init(_ columns: [String: Set<String>] = [:]) {
        self.columns = columns
    }
}

/// A request a live client cannot have, with a message saying why.
public struct LiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Limits and pacing of the live stream. Defaults suit a trading desk's dashboards.
public struct LiveConfiguration: Sendable {
    /// Frames per second per subscription at most; rows arriving faster are coalesced.
    public var maxFramesPerSecond: Int
    /// Rows waiting to be sent to one client at most; beyond, the oldest are dropped and the
    /// client is told (`lagged`).
    public var maxBufferedRows: Int
    /// A client whose buffer stays full this long is disconnected.
    public var stuckTimeout: Duration
    public var maxConnections: Int
    public var maxSubscriptionsPerConnection: Int
    /// Largest message a client may send, in bytes.
    public var maxMessageBytes: Int

    public init(
        maxFramesPerSecond: Int = 10, maxBufferedRows: Int = 50_000, stuckTimeout: Duration = .seconds(30),
        maxConnections: Int = 2_000, maxSubscriptionsPerConnection: Int = 64, maxMessageBytes: Int = 64 * 1024
    ) {
        self.maxFramesPerSecond = maxFramesPerSecond
        self.maxBufferedRows = maxBufferedRows
        self.stuckTimeout = stuckTimeout
        self.maxConnections = maxConnections
        self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        self.maxMessageBytes = maxMessageBytes
    }
}
