import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TradewatchCore
import TradewatchAuth
import TradewatchIngest

/// The write endpoints: InfluxDB line protocol (`/write`, `/api/v2/write`) and JSON
/// (`/api/v1/<table>`). A request is answered only after its rows are committed, with the
/// commit's sequence number in `X-Tradewatch-Commit`; a rejected request stores nothing.
struct IngestController {
    typealias Context = TradewatchRequestContext

    let writer: BatchWriter
    let limits: IngestLimits
    let metrics: ServerMetrics
    /// Charges parsed rows to the client's rows budget before the commit (``chargeRows(_:request:context:)``).
    var rateLimiter: RateLimiter? = nil

    static var commitHeader: HTTPField.Name { HTTPField.Name("X-Tradewatch-Commit")! }

    func addRoutes(to router: Router<Context>) {
        router.post("write") { request, context in
            try await lineProtocol(
                request, context: context, precisionParameter: request.uri.queryParameters.get("precision"), v1: true)
        }
        router.post("api/v2/write") { request, context in
            try await lineProtocol(
                request, context: context, precisionParameter: request.uri.queryParameters.get("precision"), v1: false)
        }
        for table in AnalyticsTable.allCases {
            router.post("api/v1/\(table.rawValue)") { request, context in
                try await json(request, table: table, context: context)
            }
        }
    }

    private func lineProtocol(
        _ request: Request, context: Context, precisionParameter: String?, v1: Bool
    ) async throws -> Response {
        do {
            let precision: TimestampPrecision
            if let precisionParameter {
                guard let parsed = TimestampPrecision(parameter: precisionParameter),
                    v1 || ["ns", "us", "ms", "s"].contains(precisionParameter)
                else {
                    throw IngestError.invalid(
                        "precision \"\(precisionParameter)\" is not one of \(v1 ? "ns, n, u, us, ms, s, m, h" : "ns, us, ms, s")")
                }
                precision = parsed
            } else {
                precision = .nanoseconds
            }
            let receivedAt = Self.nowNanoseconds()
            let body = try await self.body(of: request)
            try checkLines(body)
            var mapper = LineProtocolMapper()
            try await timed(
                "tradewatch.ingest.parse.duration.seconds", slowerThan: .milliseconds(250), logger: context.logger,
                metadata: ["bytes": .stringConvertible(body.readableBytes)], factory: metrics.factory
            ) {
                try body.withUnsafeReadableBytes { bytes in
                    try mapper.map(bytes, precision: precision, receivedAt: receivedAt)
                }
            }
            let rows = mapper.rowCount
            let charge = chargeRows(rows, request: request, context: context)
            if let refused = charge.refused { return refused }
            let sequence = try await writer.submit(Self.tagged(Array(mapper.batches.values), context.correlationID))
            return committed(sequence, rateLimit: charge.status)
        } catch let error as IngestError {
            return Self.influxError(error)
        }
    }

    private func json(_ request: Request, table: AnalyticsTable, context: Context) async throws -> Response {
        let correlationID = context.correlationID
        do {
            let body = try await self.body(of: request)
            let batch = try JSONIngestDecoder.decode(Data(buffer: body, byteTransferStrategy: .noCopy), table: table)
            guard batch.rowCount > 0 else { throw IngestError.invalid("\(table.rawValue) is empty: nothing to write") }
            let charge = chargeRows(batch.rowCount, request: request, context: context)
            if let refused = charge.refused { return refused }
            let sequence = try await writer.submit(Self.tagged([batch], correlationID))
            return committed(sequence, rateLimit: charge.status)
        } catch let error as IngestError {
            return Self.problem(error, correlationID: correlationID)
        }
    }

    /// Rows with a `correlation_id` column that did not set one get the request's, so that one
    /// id finds everything a request wrote.
    static func tagged(_ batches: [ColumnarBatch], _ correlationID: String) -> [ColumnarBatch] {
        batches.map { batch in
            guard let column = batch.table.columnIndex("correlation_id") else { return batch }
            var tagged = batch
            tagged.fillMissingText(column: column, with: correlationID)
            return tagged
        }
    }

    private func committed(_ sequence: Int64, rateLimit: RateLimitStatus? = nil) -> Response {
        var headers = HTTPFields()
        headers[Self.commitHeader] = String(sequence)
        if let rateLimit { RateLimitHeaders.set(rateLimit, on: &headers) }
        return Response(status: .noContent, headers: headers)
    }

    /// The whole body, inflated when gzip-encoded, within the size limits.
    private func body(of request: Request) async throws -> ByteBuffer {
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // NIOTooManyBytesError from collect(upTo:).
            metrics.countRequestLimit(.bodySize)
            throw IngestError.tooLarge("the request body exceeds \(limits.maxBodyBytes) bytes (--max-body-size)")
        } catch {
            // The client went away, or was cut off by the read timeout (and told so with a 408).
            throw IngestError.invalid("the request body could not be read in full: \(error)")
        }
        guard let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" else { return body }
        guard encoding == "gzip" else {
            throw IngestError.invalid("Content-Encoding \(encoding) is not supported; use gzip or none")
        }
        do {
            return try GzipInflation.inflate(body, maxBytes: limits.maxInflatedBytes)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            metrics.countRequestLimit(.inflatedSize)
            throw IngestError.tooLarge(
                "the gzip body inflates beyond \(limits.maxInflatedBytes) bytes (4 times --max-body-size); inflation was stopped there")
        } catch let error as GzipInflation.Failure {
            throw IngestError.invalid("the gzip body is incomplete: \(error)")
        } catch let error as CompressNIOError where error == .corruptData {
            throw IngestError.invalid("the body is not valid gzip: its data is corrupt (Content-Encoding says gzip)")
        } catch {
            throw IngestError.invalid("the body is not valid gzip: \(error)")
        }
    }

    static func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The error body InfluxDB clients expect: `{"code":"…","message":"…"}`.
    static func influxError(_ error: IngestError) -> Response {
        let (status, code) = statusAndCode(error)
        var body = "{\"code\":\"\(code)\",\"message\":"
        LabelsWriter.appendQuoted(error.description, to: &body)
        return errorResponse(error, status: status, contentType: "application/json; charset=utf-8", body: body + "}")
    }

    /// An RFC 9457 problem document, carrying the request's correlation id.
    static func problem(_ error: IngestError, correlationID: String) -> Response {
        let (status, _) = statusAndCode(error)
        return ProblemResponse.make(
            status: status, detail: error.description, correlationID: correlationID, headers: retryAfter(error))
    }

    private static func errorResponse(
        _ error: IngestError, status: HTTPResponse.Status, contentType: String, body: String
    ) -> Response {
        var headers = retryAfter(error)
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `Retry-After` for the refusals that retrying cures.
    private static func retryAfter(_ error: IngestError) -> HTTPFields {
        var headers = HTTPFields()
        switch error {
        case .queueFull(let seconds), .outOfMemory(_, let seconds): headers[.retryAfter] = String(seconds)
        default: break
        }
        return headers
    }

    private static func statusAndCode(_ error: IngestError) -> (HTTPResponse.Status, String) {
        switch error {
        case .invalid: (.badRequest, "invalid")
        case .tooLarge: (.contentTooLarge, "request too large")
        case .queueFull: (.serviceUnavailable, "unavailable")
        case .shuttingDown: (.serviceUnavailable, "unavailable")
        case .commitFailed: (.internalServerError, "internal error")
        case .outOfMemory: (.serviceUnavailable, "unavailable")
        }
    }
}

/// Size limits of write requests.
public struct IngestLimits: Sendable {
    /// Largest body accepted as sent.
    public var maxBodyBytes: Int
    /// Largest body accepted after gzip inflation. Inflation stops as soon as it passes this.
    public var maxInflatedBytes: Int
    /// Most lines in one line-protocol request (`413` beyond).
    public var maxLines: Int
    /// Longest line-protocol line in bytes (`400` naming the line beyond).
    public var maxLineBytes: Int

    public init(
        maxBodyBytes: Int = 32 * 1024 * 1024, maxInflatedBytes: Int = 128 * 1024 * 1024, maxLines: Int = 1_000_000,
        maxLineBytes: Int = 64 * 1024
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxInflatedBytes = maxInflatedBytes
        self.maxLines = maxLines
        self.maxLineBytes = maxLineBytes
    }
}
