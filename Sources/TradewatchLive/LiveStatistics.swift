/// What the live hub has done so far: gauges (`clients`, `subscriptions`) and counters since start.
public struct LiveStatistics: Sendable, Equatable {
    /// Connections open now.
    public var clients: Int
    /// Subscriptions open now, across connections.
    public var subscriptions: Int
    /// Frames handed to clients (rows, candles, lagged, and frames queued with `send`).
    public var framesSent: Int
    /// Rows handed to clients in `rows` frames.
    public var rowsSent: Int
    /// Rows dropped because a client's buffer overflowed (each reported to it as `lagged`).
    public var rowsDropped: Int
    /// Connections ended because their buffer stayed full past the stuck timeout.
    public var disconnectedStuck: Int

    public init(
        clients: Int = 0, subscriptions: Int = 0, framesSent: Int = 0, rowsSent: Int = 0, rowsDropped: Int = 0,
        disconnectedStuck: Int = 0
    ) {
        self.clients = clients
        self.subscriptions = subscriptions
        self.framesSent = framesSent
        self.rowsSent = rowsSent
        self.rowsDropped = rowsDropped
        self.disconnectedStuck = disconnectedStuck
    }
}
