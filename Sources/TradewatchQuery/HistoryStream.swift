/// A large history answer (up to a full export) read as a chain of keyset pages on one
/// connection, each page continuing after the last row of the one before.
///
/// One `ORDER BY ts LIMIT <everything>` would make DuckDB sort the whole range before the first
/// row comes out, holding it all in memory. Instead each page reads a time window of the range
/// (its `ts` bounds let DuckDB skip every other row group) and sorts at most ``pageRows`` rows:
/// the window narrows when it holds more rows than a page and widens when it holds fewer, so
/// every row is read about once whatever the data's density. The time limit counts DuckDB's
/// work over all pages.
public final class HistoryStream: @unchecked Sendable {
    public static let pageRows = 65_536

    public let query: HistoryQuery
    let session: QuerySession
    let format: ResultFormat
    let timeout: Duration?
    private var current: StreamedQuery?
    private var key: (timestamp: Int64, rowid: Int64)?
    private var written = 0
    private var pageStartRows = 0
    private var spentBefore: Duration = .zero
    private var finished = false
    /// The part of the range not read yet: rows before `floor` (after `ceiling` when descending)
    /// are done, apart from those after ``key`` in the current window.
    private var floor: Int64
    private var ceiling: Int64
    private var window: Int64
    private var pageWindow: Range<Int64> = 0..<0
    /// True when a row exists after the last one written (known at the end).
    public private(set) var hasMore = false
    public var lastKey: (timestamp: Int64, rowid: Int64)? { key }

    public init(query: HistoryQuery, session: QuerySession, format: ResultFormat, timeout: Duration?) {
        self.query = query
        self.session = session
        self.format = format
        self.timeout = timeout
        key = query.initialKey
        floor = query.range.lowerBound
        ceiling = query.range.upperBound
        if let key = query.initialKey {
            if query.descending { ceiling = min(ceiling, key.timestamp &+ 1) } else { floor = max(floor, key.timestamp) }
        }
        window = max(1_000_000, (query.range.upperBound &- query.range.lowerBound) / 1024)
    }

    /// Starts the first page: errors before any row is written are thrown from here.
    public func start() async throws {
        try await startPage()
    }

    private func startPage() async throws {
        let rows = min(Self.pageRows, query.limit - written)
        pageStartRows = written
        let width = min(window, ceiling &- floor)
        pageWindow = query.descending ? (ceiling &- width)..<ceiling : floor..<(floor &+ width)
        current = try await session.start(
            query.plan(after: key, limit: rows, within: pageWindow),
            options: .init(
                format: format, maxRows: rows, cursorColumns: true, timeout: timeout.map { $0 - spentBefore },
                rowsBefore: written))
    }

    /// The encoded rows of the next chunk, or `nil` at the end.
    public func next() async throws -> [UInt8]? {
        while !finished, let page = current {
            if let bytes = try await page.next() {
                written = pageStartRows + (page.encoder.rowCount - page.options.rowsBefore)
                if let last = page.lastKey { key = last }
                if !bytes.isEmpty { return bytes }
                continue
            }
            spentBefore += page.spent
            let pageRows = page.encoder.rowCount - page.options.rowsBefore
            if written >= query.limit {
                finished = true
                hasMore = try await rowExistsAfterLast()
            } else if pageRows == page.options.maxRows {
                // The window holds more: read on from the last row, in a narrower window.
                if let key {
                    if query.descending { ceiling = min(ceiling, key.timestamp &+ 1) } else { floor = max(floor, key.timestamp) }
                }
                window = max(1, window / 2)
                try await startPage()
            } else {
                // The window is done: move past it, wider if it was sparse.
                if query.descending { ceiling = pageWindow.lowerBound } else { floor = pageWindow.upperBound }
                if pageRows < page.options.maxRows / 4 { window = min(window &* 2, Int64.max / 4) }
                if floor >= ceiling { finished = true } else { try await startPage() }
            }
        }
        return nil
    }

    private func rowExistsAfterLast() async throws -> Bool {
        let probe = try await session.start(
            query.plan(after: key, limit: 1),
            options: .init(format: format, maxRows: 1, cursorColumns: true, timeout: timeout.map { $0 - spentBefore }, rowsBefore: 1))
        _ = try await probe.next()
        return probe.encoder.rowCount > 1
    }
}
