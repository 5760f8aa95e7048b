import DuckDB
import TradewatchCore
import TradewatchLive
import TradewatchQuery
import TradewatchStorage

/// Reads what a live client asks of the analytics store: the rows it missed since a commit
/// (resume) and the last row per key (snapshot). Rows are encoded like the live ones: objects
/// keyed by column name, `ts` in RFC 3339 with nanoseconds, labels as JSON objects.
struct LiveStoreReader: Sendable {
    let store: AnalyticsStore
    /// A resume replaying more rows than this is refused.
    var maxReplayRows = 1_000_000
    /// Rows read (and held) at most per store read while replaying.
    var replayPageRows = 10_000
    var snapshotRows = 10_000
    var timeout: Duration = .seconds(30)

    /// Rows of one commit (all of them, or a slice of at most ``replayPageRows``), encoded as
    /// the elements of a JSON array.
    struct CommitRows: Sendable {
        let commit: Int64
        let rows: [UInt8]
    }

    /// What a resume will replay: the rows per commit of `subscription`'s table matching its
    /// filter, for the commits in `after + 1 ... through`.
    struct ReplayPlan: Sendable {
        let subscription: LiveSubscription
        let counts: [(commit: Int64, rows: Int)]
    }

    /// Counts the rows a resume replays.
    /// - Throws: ``LiveProtocolError`` when they are more than ``maxReplayRows``.
    func plan(_ subscription: LiveSubscription, after: Int64, through: Int64) async throws -> ReplayPlan {
        guard through > after else { return ReplayPlan(subscription: subscription, counts: []) }
        let (filterSQL, filterParameters) = Self.filter(subscription.filter)
        let table = subscription.table.rawValue
        let relation = source(of: subscription.table).relation
        let range: [DuckDBValue] = [.int64(after), .int64(through)]
        let counts = try await store.read(timeout: timeout) { connection in
            var counts: [(commit: Int64, rows: Int)] = []
            try connection.query(
                "SELECT commit_seq, count(*) FROM \(relation) WHERE commit_seq > ? AND commit_seq <= ?\(filterSQL) GROUP BY commit_seq ORDER BY commit_seq",
                range + filterParameters
            ).forEachChunk { chunk in
                let commits = try chunk.column(0, as: Int64.self), rows = try chunk.column(1, as: Int64.self)
                for row in 0..<chunk.count { counts.append((commits[row] ?? 0, Int(rows[row] ?? 0))) }
            }
            return counts
        }
        let total = counts.reduce(0) { $0 + $1.rows }
        guard total <= maxReplayRows else {
            throw LiveProtocolError(
                "from_commit \(after) would replay \(total) rows of \(table), more than the limit of \(maxReplayRows); "
                    + "read them with GET /api/v1/\(table) and subscribe without from_commit",
                id: subscription.id)
        }
        return ReplayPlan(subscription: subscription, counts: counts)
    }

    /// Where a resume or a snapshot reads `table`'s rows: its `_all` view (live rows and archived
    /// Parquet files) once some of its days are archived, so a client resuming from a commit whose
    /// rows have moved out of DuckDB still gets every one of them, and a snapshot still finds a
    /// key whose rows are all archived. `hidden`: the columns a client's rows leave out (the
    /// view has `rowid` as a column of its own: archived rows keep theirs).
    private func source(of table: AnalyticsTable) -> (relation: String, hidden: String) {
        let archived = store.archiveCatalog.reaches([table], over: nil)
        let relations = archived ? SourceRelations.withArchive : .live
        return (relations(table), archived ? "commit_seq, rowid" : "commit_seq")
    }

    /// Calls `deliver` with the rows `plan` counted, commit by commit in commit order, reading at
    /// most ``replayPageRows`` rows per store read.
    func replay(_ plan: ReplayPlan, deliver: (CommitRows) async throws -> Void) async throws {
        let (filterSQL, filterParameters) = Self.filter(plan.subscription.filter)
        let table = source(of: plan.subscription.table)
        let counts = plan.counts
        // Pages of whole commits up to replayPageRows rows; a larger commit is read in slices.
        var index = 0
        while index < counts.count {
            var last = index
            var rows = counts[index].rows
            while last + 1 < counts.count, rows + counts[last + 1].rows <= replayPageRows {
                last += 1
                rows += counts[last].rows
            }
            let first = counts[index].commit, through = counts[last].commit
            if rows <= replayPageRows {
                for page in try await readCommits(table, first...through, filterSQL, filterParameters, slice: nil) {
                    try await deliver(page)
                }
            } else {
                var offset = 0
                while offset < rows {
                    let slice = (offset: offset, limit: replayPageRows)
                    for page in try await readCommits(table, first...first, filterSQL, filterParameters, slice: slice) {
                        try await deliver(page)
                    }
                    offset += replayPageRows
                }
            }
            index = last + 1
        }
    }

    private func readCommits(
        _ table: (relation: String, hidden: String), _ commits: ClosedRange<Int64>, _ filterSQL: String, _ filterParameters: [DuckDBValue],
        slice: (offset: Int, limit: Int)?
    ) async throws -> [CommitRows] {
        let sliceSQL = slice.map { " LIMIT \($0.limit) OFFSET \($0.offset)" } ?? ""
        let sql = """
            SELECT * EXCLUDE (\(table.hidden)), commit_seq FROM \(table.relation)
            WHERE commit_seq >= ? AND commit_seq <= ?\(filterSQL) ORDER BY commit_seq, rowid\(sliceSQL)
            """
        let parameters: [DuckDBValue] = [.int64(commits.lowerBound), .int64(commits.upperBound)] + filterParameters
        return try await store.read(timeout: timeout) { connection in
            let result = try connection.query(sql, parameters)
            let columns = zip(result.columnNames, result.columnTypes).dropLast().map { (name: $0, type: $1) }
            var pages: [CommitRows] = []
            var current: Int64?
            var encoder = try RowEncoder(columns: columns, format: .json)
            var rows: [UInt8] = []
            while let chunk = try result.nextChunk() {
                let sequences = try chunk.column(chunk.columnCount - 1, as: Int64.self)
                var start = 0
                while start < chunk.count {
                    let commit = sequences[start] ?? 0
                    var end = start + 1
                    while end < chunk.count, sequences[end] == commit { end += 1 }
                    if current != commit {
                        if let done = current { pages.append(CommitRows(commit: done, rows: rows)) }
                        current = commit
                        encoder = try RowEncoder(columns: columns, format: .json)
                        rows = []
                    }
                    try encoder.encode(chunk, rows: start..<end, into: &rows)
                    start = end
                }
            }
            if let done = current { pages.append(CommitRows(commit: done, rows: rows)) }
            return pages
        }
    }

    /// The last row of each key of `subscription`'s table that matches its filter, as a JSON
    /// array's elements (at most ``snapshotRows``), archived days included.
    func lastRows(_ subscription: LiveSubscription) async throws -> [UInt8] {
        let keys: [String] = switch subscription.table {
        case .metrics: ["name", "symbol"]
        case .trades, .quotes: ["symbol", "venue"]
        case .executions: ["strategy", "symbol"]
        case .performance: ["strategy"]
        case .logs: ["service", "level"]
        case .candles: ["symbol", "\"interval\""]
        }
        let (filterSQL, filterParameters) = Self.filter(subscription.filter)
        // Archived days too: a key whose rows are all older than the hot period has its last
        // row in a Parquet file (the archive's files are read only once a table has some).
        let table = source(of: subscription.table)
        let sql = """
            SELECT * EXCLUDE (\(table.hidden)) FROM \(table.relation) WHERE true\(filterSQL)
            QUALIFY row_number() OVER (PARTITION BY \(keys.joined(separator: ", ")) ORDER BY ts DESC) = 1
            ORDER BY \(keys.joined(separator: ", ")) LIMIT \(snapshotRows)
            """
        return try await store.read(timeout: timeout) { connection in
            let result = try connection.query(sql, filterParameters)
            var encoder = try RowEncoder(
                columns: zip(result.columnNames, result.columnTypes).map { (name: $0, type: $1) }, format: .json)
            var output: [UInt8] = []
            while let chunk = try result.nextChunk() { try encoder.encode(chunk, rows: 0..<chunk.count, into: &output) }
            return output
        }
    }

    /// ` AND "column" IN (?, …)` for each filtered column (names were checked against the table).
    static func filter(_ filter: LiveFilter) -> (sql: String, parameters: [DuckDBValue]) {
        var sql = ""
        var parameters: [DuckDBValue] = []
        for (column, values) in filter.columns.sorted(by: { $0.key < $1.key }) {
            sql += " AND \"\(column)\" IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))"
            parameters += values.sorted().map { .string($0) }
        }
        return (sql, parameters)
    }
}
