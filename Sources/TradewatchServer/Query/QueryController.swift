import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import TradewatchCore
import TradewatchIngest
import TradewatchQuery
import Synchronization
import TradewatchStorage

/// The query endpoints: latest values (from memory), history with cursors, planned analytics
/// (buckets, candles, execution quality), read-only SQL, and the list of running queries.
///
/// Every query endpoint takes `min_commit` (wait until that commit is visible) and `format`
/// (or `Accept`). Errors are problem documents naming the parameter at fault.
struct QueryController {
    typealias Context = TradewatchRequestContext

    let store: AnalyticsStore
    let writer: BatchWriter
    let registry: RunningQueries
    let cache: QueryCache
    let latest: LatestValues
    let limits: QueryLimits
    let metrics: ServerMetrics
    /// One-minute bars of recent trades, for candles answered from memory; `nil` when off.
    var minuteBars: MinuteBars? = nil
    /// Latest-value answers, kept while the values they were built from are unchanged.
    let latestAnswers = LatestAnswers()

    static let cacheHeader = HTTPField.Name("X-Tradewatch-Cache")!
    static let cursorHeader = HTTPField.Name("X-Tradewatch-Next-Cursor")!
    static let queryIDHeader = HTTPField.Name("X-Tradewatch-Query-Id")!
    /// History pages up to this many rows are read whole before answering (so the next cursor
    /// can go in a header, and the answer can be cached); larger ones stream.
    static let bufferedPageRows = 10_000

    /// Paths of the query endpoints, for the request metrics' route label.
    static let routes: Set<String> = [
        "/api/v1/metrics/latest", "/api/v1/trades/latest", "/api/v1/metrics/aggregate", "/api/v1/candles",
        "/api/v1/executions/quality", "/api/v1/query", "/api/v1/queries", "/api/v1/queries/{id}",
    ]

    func addRoutes(to router: Router<Context>) {
        router.get("api/v1/metrics/latest") { request, context in
            if let kept = keptLatestAnswer(request, kind: "metrics") { return kept }
            return try await answer(request, context) { parameters, _ in try latestMetrics(&parameters, request: request) }
        }
        router.get("api/v1/trades/latest") { request, context in
            if let kept = keptLatestAnswer(request, kind: "trades") { return kept }
            return try await answer(request, context) { parameters, _ in try latestTrades(&parameters, request: request) }
        }
        for table in [AnalyticsTable.metrics, .trades, .quotes, .executions, .performance, .logs] {
            router.get("api/v1/\(table.rawValue)") { request, context in
                try await answer(request, context) { parameters, format in
                    try await history(table, &parameters, format: format, request: request, context: context)
                }
            }
        }
        addPlanned(AggregateQuery.self, at: "api/v1/metrics/aggregate", to: router)
        addCandles(to: router)
        addPlanned(ExecutionQualityQuery.self, at: "api/v1/executions/quality", to: router)
        router.post("api/v1/query") { request, context in
            try await sql(request, context)
        }
        router.get("api/v1/queries") { _, _ in runningQueries() }
        router.delete("api/v1/queries/:id") { _, context in
            let id = try context.parameters.require("id")
            guard registry.cancel(id) else {
                return ProblemResponse.make(
                    status: .notFound, detail: "no running query has id \(id)", correlationID: context.correlationID,
                    parameter: "id")
            }
            return Response(status: .noContent)
        }
    }

    /// Registers `GET path` answering with `Query`'s plans.
    func addPlanned<Query: PlannedQuery>(_ type: Query.Type, at path: String, to router: Router<Context>) {
        router.get(RouterPath(path)) { request, context in
            try await answer(request, context) { parameters, format in
                try await planned(type, &parameters, format: format, request: request, context: context)
            }
        }
    }

    // MARK: - Common handling

    /// Reads `min_commit` and `format`, waits for the commit, runs `body`, and turns a
    /// ``QueryError`` into a problem document.
    func answer(
        _ request: Request, _ context: Context,
        _ body: (inout QueryParameters, ResultFormat) async throws -> Response
    ) async throws -> Response {
        do {
            var parameters = QueryParameters(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            if let minCommit = try parameters.integer("min_commit", in: 0...Int(Int64.max)) {
                try await waitForCommit(Int64(minCommit))
            }
            let format = try ResultFormat.negotiate(
                parameter: try parameters.string("format"), accept: request.headers[.accept])
            return try await body(&parameters, format)
        } catch let error as QueryError {
            metrics.recordQueryError(endpoint: Self.endpointLabel(request.uri.path), kind: "\(error.kind)")
            return ProblemResponse.make(error, correlationID: context.correlationID)
        }
    }

    private func waitForCommit(_ sequence: Int64) async throws {
        guard await writer.waitUntilVisible(sequence, timeout: limits.minCommitWait) else {
            throw QueryError(
                "commit \(sequence) is not visible after \(limits.minCommitWait) (the last commit is \(writer.lastCommitted))",
                parameter: "min_commit", kind: .notVisible)
        }
    }

    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The cache key of a request: its path, its parameters in a canonical order, the format.
    static func cacheKey(_ request: Request, format: ResultFormat) -> String {
        let pairs = request.uri.queryParameters.map { "\($0.key)=\($0.value)" }.sorted()
        return "\(request.uri.path)?\(pairs.joined(separator: "&"))|\(format.rawValue)"
    }

    func cached(_ key: String) -> Response? {
        let answer = cache.answer(for: key)
        metrics.recordCacheLookup(hit: answer != nil)
        guard let answer else { return nil }
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        headers[Self.cacheHeader] = "hit"
        for header in answer.headers { headers[HTTPField.Name(header.name)!] = header.value }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A session for one query, counted in the query metrics when it closes.
    func session(sql: String, _ request: Request, _ context: Context) async -> QuerySession {
        let session = await QuerySession(
            store: store, registry: registry, sql: sql, endpoint: request.uri.path, correlationID: context.correlationID)
        let endpoint = Self.endpointLabel(request.uri.path)
        session.onClose = { [metrics] elapsed, rows in metrics.recordQuery(endpoint: endpoint, duration: elapsed, rows: rows) }
        return session
    }

    /// The path as a bounded metric label.
    static func endpointLabel(_ path: String) -> String {
        routes.contains(path) || path.hasPrefix("/api/v1/") && !path.dropFirst(8).contains("/") ? path : "other"
    }

    /// Sets the gauges `/metrics` shows for queries.
    func updateGauges() {
        let statistics = cache.statistics
        let held = latest.count
        metrics.setQueryGauges(
            running: registry.count, cacheEntries: statistics.entries, cacheBytes: statistics.bytes,
            latestSeries: held.metrics + held.trades)
        if let minuteBars, minuteBars.isEnabled {
            let bars = minuteBars.statistics
            Gauge(label: "tradewatch.candles.memory.bars", factory: metrics.factory).record(bars.bars)
            Gauge(label: "tradewatch.candles.memory.symbols", factory: metrics.factory).record(bars.symbols)
            Gauge(label: "tradewatch.candles.answers", dimensions: [("source", "memory")], factory: metrics.factory)
                .record(bars.memoryAnswers)
            Gauge(label: "tradewatch.candles.answers", dimensions: [("source", "sql")], factory: metrics.factory)
                .record(bars.sqlAnswers)
        }
    }

    // MARK: - Latest values

    private func latestMetrics(_ parameters: inout QueryParameters, request: Request) throws -> Response {
        let names = parameters.list("name")
        let prefix = try parameters.string("prefix")
        let symbols = parameters.list("symbol")
        let labels = try parameters.labels()
        try parameters.rejectUnknown(besides: ["format", "min_commit"])
        return latestAnswers.answer(for: Self.latestKey(request, kind: "metrics"), generation: latest.generation) {
            var body = Array("{\"rows\":[".utf8)
            body.reserveCapacity(4096)
            for (index, entry) in latest.metrics(names: names, prefix: prefix, symbols: symbols, labels: labels).enumerated() {
                body += Array((index > 0 ? ",{\"name\":" : "{\"name\":").utf8)
                RowEncoder.appendJSONString(entry.key.name, to: &body)
                body += Array(",\"symbol\":".utf8)
                if let symbol = entry.key.symbol { RowEncoder.appendJSONString(symbol, to: &body) } else { body += Array("null".utf8) }
                body += Array(",\"ts\":\"".utf8)
                RFC3339.append(nanoseconds: entry.value.timestamp, to: &body)
                body += Array("\",\"value\":".utf8)
                body += Array((entry.value.value.isFinite ? entry.value.value.description : "null").utf8)
                body += Array(",\"labels\":".utf8)
                body += Array((entry.value.labels ?? "null").utf8)
                body.append(UInt8(ascii: "}"))
            }
            return body + Array("]}".utf8)
        }
    }

    /// The answer kept for this very request (same query string and `Accept`) at the current
    /// generation of the latest values, if any: its parameters were checked when it was built,
    /// so it is sent without reading them again (about a tenth of such a request's cost). Not
    /// with `min_commit`, which must wait for its commit first.
    private func keptLatestAnswer(_ request: Request, kind: String) -> Response? {
        if let query = request.uri.query, Self.mayName(query, "min_commit") { return nil }
        return latestAnswers.kept(for: Self.latestKey(request, kind: kind), generation: latest.generation)
    }

    /// Whether the query string may have a parameter called `name`: it has one as sent, or it
    /// has a percent escape (which could spell it). Bytes only: Foundation's `contains` cost
    /// more than the rest of a kept answer.
    static func mayName(_ query: String, _ name: StaticString) -> Bool {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var atStart = true
        var matched = 0
        for byte in query.utf8 {
            if byte == UInt8(ascii: "%") { return true }
            if byte == UInt8(ascii: "&") {
                atStart = true
                matched = 0
            } else if atStart, matched < wanted.count, byte == wanted[matched] {
                matched += 1
            } else if atStart, matched == wanted.count, byte == UInt8(ascii: "=") {
                return true
            } else {
                atStart = false
            }
        }
        return atStart && matched == wanted.count
    }

    /// The key of a latest-value answer: the endpoint, the query string as sent and the `Accept` header.
    private static func latestKey(_ request: Request, kind: String) -> String {
        "\(kind)|\(request.uri.query ?? "")|\(request.headers[.accept] ?? "")"
    }

    private func latestTrades(_ parameters: inout QueryParameters, request: Request) throws -> Response {
        let symbols = parameters.list("symbol")
        try parameters.rejectUnknown(besides: ["format", "min_commit"])
        return latestAnswers.answer(for: Self.latestKey(request, kind: "trades"), generation: latest.generation) {
            var body = Array("{\"rows\":[".utf8)
            body.reserveCapacity(4096)
            for (index, entry) in latest.trades(symbols: symbols).enumerated() {
                let trade = entry.trade
                body += Array((index > 0 ? ",{\"symbol\":" : "{\"symbol\":").utf8)
                RowEncoder.appendJSONString(entry.symbol, to: &body)
                body += Array(",\"ts\":\"".utf8)
                RFC3339.append(nanoseconds: trade.timestamp, to: &body)
                body += Array("\",\"price\":\(trade.price.isFinite ? trade.price.description : "null"),\"qty\":\(trade.quantity)".utf8)
                for (name, value) in [("venue", trade.venue), ("side", trade.side), ("trade_id", trade.tradeID)] {
                    body += Array(",\"\(name)\":".utf8)
                    if let value { RowEncoder.appendJSONString(value, to: &body) } else { body += Array("null".utf8) }
                }
                body.append(UInt8(ascii: "}"))
            }
            return body + Array("]}".utf8)
        }
    }

    private static func json(_ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ResultFormat.json.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: - History

    private func history(
        _ table: AnalyticsTable, _ parameters: inout QueryParameters, format: ResultFormat, request: Request,
        context: Context
    ) async throws -> Response {
        let explicitEnd = try parameters.string("end") != nil
        let query = try HistoryQuery(table: table, parameters: &parameters, now: Self.now())
        try parameters.rejectUnknown(besides: ["format", "min_commit"])
        let buffered = query.limit <= Self.bufferedPageRows
        let key = Self.cacheKey(request, format: format)
        if buffered, explicitEnd, let hit = cached(key) { return hit }
        let sequence = cache.currentSequence
        let session = await session(sql: query.plan.sql, request, context)
        let prefix = format == .json ? Self.bytes("{\"rows\":[") : []
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[Self.cacheHeader] = "miss"
        guard buffered else {
            let stream = HistoryStream(query: query, session: session, format: format, timeout: limits.timeout)
            try await session.closingOnError { try await stream.start() }
            let suffix: @Sendable () -> [UInt8] = {
                Self.historySuffix(format, query, hasMore: stream.hasMore, lastKey: stream.lastKey)
            }
            return Response(
                status: .ok, headers: headers,
                body: Self.stream(session, format: format, prefix: prefix, suffix: suffix) { try await stream.next() })
        }
        var body = prefix
        let streamed = try await session.closingOnError {
            let streamed = try await session.start(
                query.plan, options: .init(format: format, maxRows: query.limit, cursorColumns: true, timeout: limits.timeout))
            while let bytes = try await streamed.next() { body += bytes }
            return streamed
        }
        await session.close()
        body += Self.historySuffix(format, query, hasMore: streamed.hasMore, lastKey: streamed.lastKey)
        var extra: [(name: String, value: String)] = []
        if streamed.hasMore, let last = streamed.lastKey {
            headers[Self.cursorHeader] = query.cursor(after: last)
            extra.append((Self.cursorHeader.rawName, query.cursor(after: last)))
        }
        if explicitEnd {
            cache.store(.init(body: body, contentType: format.contentType, headers: extra), for: key, plan: query.plan, sequence: sequence)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The end of a JSON history answer: the rows array closed, then the cursor of the next page
    /// (`null` on the last page). Empty for NDJSON and CSV.
    static func historySuffix(
        _ format: ResultFormat, _ query: HistoryQuery, hasMore: Bool, lastKey: (timestamp: Int64, rowid: Int64)?
    ) -> [UInt8] {
        guard format == .json else { return [] }
        let next = hasMore ? lastKey.map { "\"\(query.cursor(after: $0))\"" } : nil
        return bytes("],\"next\":\(next ?? "null")}")
    }

    /// A body that writes `prefix`, every piece `next` yields, then `suffix`, closing the session
    /// however it ends. A failure after rows were sent is reported at the end of the body in
    /// JSON and NDJSON; a CSV answer is cut off instead (the client sees an incomplete transfer).
    static func stream(
        _ session: QuerySession, format: ResultFormat, prefix: [UInt8], suffix: @escaping @Sendable () -> [UInt8],
        keep: (@Sendable ([UInt8]) -> Void)? = nil, next: @escaping @Sendable () async throws -> [UInt8]?
    ) -> ResponseBody {
        ResponseBody { writer in
            var kept: [UInt8]? = keep == nil ? nil : prefix
            do {
                if !prefix.isEmpty { try await writer.write(ByteBuffer(bytes: prefix)) }
                while let bytes = try await next() {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    if kept != nil { kept! += bytes }
                    if let current = kept, current.count > 1 << 20 { kept = nil }
                }
                let end = suffix()
                if !end.isEmpty { try await writer.write(ByteBuffer(bytes: end)) }
                if kept != nil { kept! += end }
            } catch let error as QueryError where format != .csv {
                await session.close()
                var message = ""
                LabelsWriter.appendQuoted(error.message, to: &message)
                let tail = format == .json ? "],\"error\":\(message)}" : "{\"error\":\(message)}\n"
                try? await writer.write(ByteBuffer(string: tail))
                try await writer.finish(nil)
                return
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            if let kept, let keep { keep(kept) }
            try await writer.finish(nil)
        }
    }

    // MARK: - Planned queries

    private func planned<Query: PlannedQuery>(
        _ type: Query.Type, _ parameters: inout QueryParameters, format: ResultFormat, request: Request,
        context: Context
    ) async throws -> Response {
        let explicitEnd = try parameters.string("end") != nil
        let query = try Query(parameters: &parameters, now: Self.now())
        try parameters.rejectUnknown(besides: ["format", "min_commit"])
        let key = Self.cacheKey(request, format: format)
        if explicitEnd, let hit = cached(key) { return hit }
        return try await run(query, key: explicitEnd ? key : nil, format: format, request: request, context: context)
    }

    /// Runs `query`'s plans and streams the answer; keeps it in the cache under `key` when given.
    func run<Query: PlannedQuery>(
        _ query: Query, key: String?, format: ResultFormat, request: Request, context: Context
    ) async throws -> Response {
        let sequence = cache.currentSequence
        let plans = format == .json ? query.plans : Array(query.plans.prefix(1))
        let session = await session(sql: plans.map(\.plan.sql).joined(separator: ";\n"), request, context)
        let sequenceOfPlans = PlanSequence(plans: plans, session: session, format: format, timeout: limits.timeout)
        try await session.closingOnError { try await sequenceOfPlans.start() }
        let tables = plans.reduce(into: Set<AnalyticsTable>()) { $0.formUnion($1.plan.tables) }
        let windows = plans.compactMap(\.plan.window)
        let window = windows.count == plans.count && !windows.isEmpty
            ? windows.map(\.lowerBound).min()!..<windows.map(\.upperBound).max()! : nil
        let combined = QueryPlan(sql: "", tables: tables, window: window)
        let cache = self.cache
        let keep: (@Sendable ([UInt8]) -> Void)? = key.map { key in
            { @Sendable body in cache.store(.init(body: body, contentType: format.contentType), for: key, plan: combined, sequence: sequence) }
        }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[Self.cacheHeader] = "miss"
        return Response(
            status: .ok, headers: headers,
            body: Self.stream(
                session, format: format, prefix: format == .json ? Self.bytes("{") : [],
                suffix: { format == .json ? Self.bytes("]}") : [] }, keep: keep
            ) { try await sequenceOfPlans.next() })
    }
}

/// The named statements of a planned query, run one after the other on one session and written
/// as `"name":[rows…]` members of one JSON object (NDJSON and CSV carry the first only). The
/// first statement starts before the response status is sent, so its errors are a `400`.
private final class PlanSequence: @unchecked Sendable {
    let plans: [NamedPlan]
    let session: QuerySession
    let format: ResultFormat
    let timeout: Duration
    private var index = 0
    private var current: StreamedQuery?

    init(plans: [NamedPlan], session: QuerySession, format: ResultFormat, timeout: Duration) {
        self.plans = plans
        self.session = session
        self.format = format
        self.timeout = timeout
    }

    func start() async throws {
        current = try await session.start(plans[0].plan, options: .init(format: format, timeout: timeout))
    }

    /// The next bytes: a member's opening, rows, the closing bracket before the next member.
    func next() async throws -> [UInt8]? {
        guard let query = current else { return nil }
        var output: [UInt8] = []
        if format == .json, query.encoder.rowCount == 0, !openedMember {
            openedMember = true
            var name = index > 0 ? "]," : ""
            LabelsWriter.appendQuoted(plans[index].name, to: &name)
            output += Array((name + ":[").utf8)
        }
        if let rows = try await query.next() { return output + rows }
        index += 1
        guard index < plans.count else {
            current = nil
            return output.isEmpty ? nil : output
        }
        openedMember = false
        current = try await session.start(plans[index].plan, options: .init(format: format, timeout: timeout))
        return output
    }

    private var openedMember = false
}
