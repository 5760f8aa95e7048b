/// Limits on connections, enforced below HTTP routing (see ``GuardedServerChannel``).
public struct ConnectionLimits: Sendable, Equatable {
    /// Open connections at most (live WebSocket connections included; they also have their own
    /// limit). One more is answered `503` and closed.
    public var maxConnections: Int
    /// How long a connection may wait for the first byte of its next request (or of its first)
    /// before it is closed.
    public var idleTimeout: Duration
    /// How long a client has to send one whole request, head and body, counted from its first
    /// byte; past it the server answers `408` (when no answer is under way) and closes the
    /// connection, so a client trickling bytes cannot hold a connection.
    public var readTimeout: Duration
    /// Largest request head: the request target and header fields together, and any one of
    /// them. A larger head is answered `431` and the connection closed.
    public var maxHeaderBytes: Int

    public init(
        maxConnections: Int = 10_000, idleTimeout: Duration = .seconds(60), readTimeout: Duration = .seconds(60),
        maxHeaderBytes: Int = 80 * 1024
    ) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        self.maxHeaderBytes = maxHeaderBytes
    }
}
