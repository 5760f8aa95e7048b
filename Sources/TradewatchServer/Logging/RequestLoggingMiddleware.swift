import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Gives every request a correlation id (its `X-Request-ID`, else the trace id of a W3C
/// `traceparent`, else a new one), puts it on every log line written while handling it and on
/// the response's `X-Request-ID`, and writes one access line per request at info (at debug for
/// the `--demo` feed's own successful writes, at error for a 5xx).
struct RequestLoggingMiddleware: RouterMiddleware {
    typealias Context = TradewatchRequestContext
    let metrics: ServerMetrics
    /// Routes counted by name; any other path is counted as "unmatched" to bound cardinality.
    let knownRoutes: Set<String>
    /// Where access lines go as bytes (``AccessLine``) when logging is plain JSON to standard
    /// output; `nil`: through the request's logger like any other line.
    var accessSink: LogSink?

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!
    static let traceparentHeader = HTTPField.Name("traceparent")!

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
        if let accessSink {
            AccessLine(
                method: request.method.rawValue, path: request.uri.path, status: status, bytes: bytes,
                durationMilliseconds: Self.milliseconds(duration), client: context.clientAddress ?? "-",
                error: error.map { "\($0)" }, apiKeyID: context.apiKeyID, apiKeyName: context.apiKeyName
            ).write(level: level, logger: context.logger, to: accessSink)
            return
        }
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
        return newCorrelationID()
    }

    /// Drawn once: a new id is two 64-bit mixes of these and a counter, unique in the process and
    /// unguessable enough for a correlation id, without the two `getrandom` system calls per
    /// request that drawing each from the system generator cost.
    private static let idSeeds = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    private static let idCounter = Atomic<UInt64>(0)

    /// 32 lower-case hex digits.
    static func newCorrelationID() -> String {
        let count = idCounter.wrappingAdd(1, ordering: .relaxed).newValue
        // SplitMix64's finalizer is a bijection: distinct counts give distinct low halves.
        func mix(_ value: UInt64) -> UInt64 {
            var z = value
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let halves = (mix(idSeeds.0 &+ count &* 0x9E37_79B9_7F4A_7C15), mix(idSeeds.1 ^ count))
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<2 {
                let half = index == 0 ? halves.0 : halves.1
                for nibble in 0..<16 {
                    buffer[index * 16 + nibble] = digits.utf8Start[Int(half >> UInt64(60 - nibble * 4) & 0xF)]
                }
            }
            return 32
        }
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
