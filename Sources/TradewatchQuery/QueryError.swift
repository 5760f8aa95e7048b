/// A query the server refuses: a bad parameter, a bad range, bad SQL. Answered with 400 and a
/// problem document whose detail is ``message``.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request is wrong (400).
        case invalid
        /// The query ran longer than its time limit (408).
        case timeout
        /// The query was cancelled by `DELETE /api/v1/queries/{id}` (409).
        case cancelled
        /// The commit named by `min_commit` did not become visible in time (504).
        case notVisible
        /// A query the server built failed in DuckDB: a bug, not the request's fault (500).
        case failed
        /// DuckDB had no memory left for the query: its memory limit is shared with ingestion and
        /// other queries, so the same query may run later (503 with `Retry-After`).
        case outOfMemory
    }

    public let kind: Kind
    public let message: String
    /// The query parameter or body field at fault, when there is one.
    public let parameter: String?

    public init(_ message: String, parameter: String? = nil, kind: Kind = .invalid) {
        self.kind = kind
        self.message = message
        self.parameter = parameter
    }

    public var description: String { message }
}
