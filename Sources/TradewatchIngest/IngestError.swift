/// Why a write was refused, in the terms an HTTP response needs.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is malformed; nothing from it was stored.
    case invalid(String)
    /// The body (or its inflated form) exceeds a limit.
    case tooLarge(String)
    /// The queue is full: retry after the given number of seconds. Nothing was stored.
    case queueFull(retryAfterSeconds: Int)
    /// The server is shutting down and takes no new writes.
    case shuttingDown
    /// The batch holding the request's rows failed to commit; nothing from it was stored.
    case commitFailed(String)
    /// DuckDB had no memory for the commit holding the request's rows, even after waiting a
    /// moment; nothing from it was stored. Retry after the given number of seconds.
    case outOfMemory(String, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .invalid(let message), .tooLarge(let message): message
        case .queueFull(let seconds): "the ingest queue is full; retry in \(seconds) s"
        case .shuttingDown: "the server is shutting down and accepts no more writes"
        case .commitFailed(let message): "the write could not be committed: \(message)"
        case .outOfMemory(let message, let seconds):
            "the write could not be committed for lack of memory (DuckDB's memory limit, --duckdb-memory-limit, is "
                + "held by queries and rows not yet checkpointed); nothing was stored; retry in \(seconds) s. \(message)"
        }
    }
}
