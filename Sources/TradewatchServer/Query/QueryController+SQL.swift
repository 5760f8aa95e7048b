import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TradewatchCore
import TradewatchIngest
import TradewatchQuery

/// `POST /api/v1/query`: read-only SQL, streamed; and `GET /api/v1/queries`.
extension QueryController {
    /// The request body of `POST /api/v1/query`.
    struct SQLRequest: Decodable {
        let sql: String
        let params: [JSONValue]?
        let timeout_ms: Int?
        let max_rows: Int?
    }

    /// The JSON values of `params` as the statement's parameters, in order.
    static func parameters(_ values: [JSONValue]) throws -> [DuckDBValue] {
        try values.enumerated().map { index, value in
            switch value {
            case .null: .null
            case .bool(let value): .bool(value)
            case .integer(let value): .int64(value)
            case .double(let value): .double(value)
            case .string(let value): .string(value)
            case .array, .object:
                throw QueryError(
                    "params[\(index)] must be null, a boolean, a number or a string; bind lists and objects as JSON text and cast in SQL",
                    parameter: "params")
            }
        }
    }

    /// Words that make an answer depend on the moment it is computed: never cached.
    static let volatileSQL = ["now(", "current_", "random(", "today(", "uuid(", "gen_random", "nextval("]

    /// The request is read inside Hummingbird's inbound-close handler, so a client that goes
    /// away while its statement starts (before any row is ready) cancels it; once rows flow, a
    /// failing write notices instead. That handler leaves the connection unusable for a next
    /// request, so the answer says `Connection: close` and clients open a new one.
    func sql(_ request: Request, _ context: Context) async throws -> Response {
        let running = Mutex<(id: String?, starting: Bool)>((nil, true))
        var response = try await request.body.consumeWithInboundCloseHandler { body in
            defer { running.withLock { $0.starting = false } }
            return try await sql(request, body: body, context) { id in running.withLock { $0.id = id } }
        } onInboundClosed: { [registry] in
            let (id, starting) = running.withLock { ($0.id, $0.starting) }
            if starting, let id { _ = registry.cancel(id) }
        }
        response.headers[.connection] = "close"
        return response
    }

    private func sql(
        _ request: Request, body: RequestBody, _ context: Context, registered: (String) -> Void
    ) async throws -> Response {
        do {
            var parameters = QueryParameters(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            if let minCommit = try parameters.integer("min_commit", in: 0...Int(Int64.max)) {
                guard await writer.waitUntilVisible(Int64(minCommit), timeout: limits.minCommitWait) else {
                    throw QueryError(
                        "commit \(minCommit) is not visible after \(limits.minCommitWait) (the last commit is \(writer.lastCommitted))",
                        parameter: "min_commit", kind: .notVisible)
                }
            }
            let format = try ResultFormat.negotiate(parameter: try parameters.string("format"), accept: request.headers[.accept])
            try parameters.rejectUnknown()
            let requestBody: ByteBuffer
            do {
                requestBody = try await body.collect(upTo: 1 << 20)
            } catch {
                throw QueryError("the request body must be at most 1 MiB of JSON")
            }
            let decoded: SQLRequest
            do {
                decoded = try JSONDecoder().decode(SQLRequest.self, from: Data(buffer: requestBody))
            } catch let error as DecodingError {
                throw QueryError("the body must be {\"sql\": \"SELECT …\", \"params\": […]}: \(Self.describe(error))")
            }
            var sql = decoded.sql.trimmingCharacters(in: .whitespacesAndNewlines)
            while sql.hasSuffix(";") { sql = String(sql.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
            guard !sql.isEmpty else { throw QueryError("sql is empty", parameter: "sql") }
            let timeout = try decoded.timeout_ms.map { milliseconds -> Duration in
                guard milliseconds > 0 else { throw QueryError("timeout_ms must be positive", parameter: "timeout_ms") }
                return min(.milliseconds(milliseconds), limits.timeout)
            } ?? limits.timeout
            let maxRows = try decoded.max_rows.map { rows -> Int in
                guard rows > 0 else { throw QueryError("max_rows must be positive", parameter: "max_rows") }
                return min(rows, limits.maxRows)
            } ?? limits.maxRows
            let lowered = sql.lowercased()
            let tables = Set(AnalyticsTable.allCases.filter { lowered.contains($0.rawValue) })
            let plan = QueryPlan(
                sql: sql, parameters: try Self.parameters(decoded.params ?? []),
                tables: tables.isEmpty ? Set(AnalyticsTable.allCases) : tables)
            let cacheable = !Self.volatileSQL.contains { lowered.contains($0) }
            let key = "sql|\(format.rawValue)|\(maxRows)|\(sql)|\(String(describing: plan.parameters))"
            if cacheable, let hit = cached(key) { return hit }
            let sequence = cache.currentSequence

            let started = ContinuousClock.now
            let session = await session(sql: sql, request, context)
            registered(session.id)
            let streamed = try await session.closingOnError {
                try await session.start(
                    plan, options: .init(format: format, shape: .arrays, maxRows: maxRows, timeout: timeout, userSQL: true))
            }
            var prefix: [UInt8] = []
            if format == .json {
                var columns = "{\"columns\":["
                for (index, column) in streamed.columns.enumerated() {
                    columns += index > 0 ? ",{\"name\":" : "{\"name\":"
                    LabelsWriter.appendQuoted(column.name, to: &columns)
                    columns += ",\"type\":"
                    LabelsWriter.appendQuoted(column.type.name, to: &columns)
                    columns += "}"
                }
                prefix = Array((columns + "],\"rows\":[").utf8)
            }
            let suffix: @Sendable () -> [UInt8] = {
                guard format == .json else { return [] }
                let elapsed = ContinuousClock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                return Array(
                    "],\"row_count\":\(streamed.encoder.rowCount),\"elapsed_ms\":\((milliseconds * 1000).rounded() / 1000),\"truncated\":\(streamed.isTruncated)}".utf8)
            }
            var headers = HTTPFields()
            headers[.contentType] = format.contentType
            headers[Self.cacheHeader] = "miss"
            headers[Self.queryIDHeader] = session.id
            let cache = self.cache
            let keep: (@Sendable ([UInt8]) -> Void)? = cacheable
                ? { @Sendable body in cache.store(.init(body: body, contentType: format.contentType), for: key, plan: plan, sequence: sequence) }
                : nil
            let responseBody = Self.stream(session, format: format, prefix: prefix, suffix: suffix, keep: keep) {
                try await streamed.next()
            }
            return Response(status: .ok, headers: headers, body: responseBody)
        } catch let error as QueryError {
            metrics.recordQueryError(endpoint: "/api/v1/query", kind: "\(error.kind)")
            return ProblemResponse.make(error, correlationID: context.correlationID)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "field \(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.isEmpty ? "" : "at \(context.codingPath.map(\.stringValue).joined(separator: ".")): ")
                + context.debugDescription
        @unknown default: "\(error)"
        }
    }

    func runningQueries() -> Response {
        var body = "{\"queries\":["
        for (index, query) in registry.list().enumerated() {
            if index > 0 { body += "," }
            body += "{\"id\":"
            LabelsWriter.appendQuoted(query.id, to: &body)
            body += ",\"sql\":"
            LabelsWriter.appendQuoted(query.sql, to: &body)
            body += ",\"endpoint\":"
            LabelsWriter.appendQuoted(query.endpoint, to: &body)
            body += ",\"correlation_id\":"
            LabelsWriter.appendQuoted(query.correlationID, to: &body)
            let started = Int64(query.startedAt.timeIntervalSince1970 * 1_000_000) * 1000
            let elapsed = Double(query.elapsed.components.seconds) * 1000 + Double(query.elapsed.components.attoseconds) / 1e15
            body += ",\"started_at\":\"\(RFC3339.format(nanoseconds: started))\",\"elapsed_ms\":\((elapsed * 1000).rounded() / 1000)"
            body += ",\"progress\":\(query.progress.map { "\($0)" } ?? "null")}"
        }
        var headers = HTTPFields()
        headers[.contentType] = ResultFormat.json.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body + "]}")))
    }
}
