/// Limits of the query endpoints.
public struct QueryLimits: Sendable {
    /// How long a query may run before DuckDB is interrupted (`timeout_ms` may lower it).
    public var timeout: Duration
    /// Rows a SQL query returns at most (`max_rows` may lower it); the answer says when it was cut.
    public var maxRows: Int
    /// How long `min_commit` waits for its commit to become visible.
    public var minCommitWait: Duration

    public init(timeout: Duration = .seconds(10), maxRows: Int = 1_000_000, minCommitWait: Duration = .seconds(5)) {
        self.timeout = timeout
        self.maxRows = maxRows
        self.minCommitWait = minCommitWait
    }
}
