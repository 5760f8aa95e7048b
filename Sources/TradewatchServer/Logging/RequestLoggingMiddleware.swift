import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request a correlation id (its `X-Request-ID`, else the trace id of a W3C
/// `traceparent`, else a new one), puts it on every log line written while handling it and on
/// the response's `X-Request-ID`, and writes one access line per request at info (at debug for
/// the `--demo` feed's own successful writes, at error for a 5xx).
struct RequestLoggingMiddleware: RouterMiddleware {
    typealias Context = TradewatchRequestContext
    let metrics: ServerMetrics
    /// Routes counted by name; any other path is counted as "unmatched" to bound cardinality.
    let knownRoutes: Set<String>

    static var requestIDHeader: HTTPField.Name { HTTPField.Name("X-Request-ID")! }
    static var traceparentHeader: HTTPField.Name { HTTPField.Name("traceparent")! }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let correlationID = Self.correlationID(request.headers)
        context.correlationID = correlationID
        context.logger[metadataKey: "correlation_id"] = .string(correlationID)
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await RequestCorrelation.$id.withValue(correlationID) { try await next(request, context) }
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // Hummingbird answers 500 for anything else; log it with the request's id.
            logAccess(request, context: context, status: 500, bytes: 0, since: started, error: error)
            throw error
        }
        response.headers[Self.requestIDHeader] = correlationID
        logAccess(
            request, context: context, status: Int(response.status.code), bytes: response.body.contentLength ?? 0,
            since: started, error: nil)
        return response
    }

    private func logAccess(
        _ request: Request, context: Context, status: Int, bytes: Int, since started: ContinuousClock.Instant,
        error: (any Error)?
    ) {
        let duration = ContinuousClock.now - started
        let path = request.uri.path.hasPrefix("/api/v1/queries/") ? "/api/v1/queries/{id}" : request.uri.path
        let route = knownRoutes.contains(path) ? path : "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route, status: status, duration: duration)
        let level: Logger.Level =
            status >= 500 ? .error
            : status < 400 && Self.isDemoFeed(request.headers) ? .debug : .info
        guard level >= context.logger.logLevel else { return }
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status),
            "bytes": .stringConvertible(bytes),
            "duration_ms": .string(Self.milliseconds(duration)),
            "client": .string(context.clientAddress ?? "-"),
        ]
        if let error { metadata["error"] = .string("\(error)") }
        if let keyID = context.apiKeyID { metadata["api_key_id"] = .string(keyID) }
        if let keyName = context.apiKeyName { metadata["api_key"] = .string(keyName) }
        context.logger.log(level: level, "request", metadata: metadata)
    }

    /// Whether the request comes from the `--demo` feed: its `User-Agent` carries the feed's
    /// secret. Walks the fields (no allocation) instead of `headers[.userAgent]`, which joins
    /// the values into a new string.
    static func isDemoFeed(_ headers: HTTPFields) -> Bool {
        headers.contains { $0.name == .userAgent && $0.value == DemoService.userAgent }
    }

    /// `duration` in milliseconds with three decimals (`12.345`), without Foundation's formatter.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The caller's id when it is a sane token, else a traceparent's trace id, else a new id.
    static func correlationID(_ headers: HTTPFields) -> String {
        if let given = headers[requestIDHeader], isToken(given) { return given }
        if let traceparent = headers[traceparentHeader] {
            let parts = traceparent.split(separator: "-")
            if parts.count == 4, parts[1].count == 32, parts[1].allSatisfy(\.isHexDigit),
                parts[1].contains(where: { $0 != "0" })
            {
                return String(parts[1]).lowercased()
            }
        }
        let digits = Array("0123456789abcdef".utf8)
        var id: [UInt8] = []
        id.reserveCapacity(32)
        for _ in 0..<2 {
            let random = UInt64.random(in: .min ... .max)
            for shift in stride(from: 60, through: 0, by: -4) { id.append(digits[Int(random >> UInt64(shift) & 0xF)]) }
        }
        return String(decoding: id, as: UTF8.self)
    }

    /// 1 to 128 characters of letters, digits and `-_.:` — nothing that could forge a log line.
    static func isToken(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                    || [45, 95, 46, 58].contains(byte)
            }
    }
}
