import Foundation
import HTTPTypes
import TradewatchAuth

/// The scope each route needs, decided from the method and path before routing.
///
/// Open (no key): `/health`, `/ready`, `/ping`, `/api/v2/ping`, and every `GET`/`HEAD` outside
/// `/api/`, `/metrics`, `/write` and `/query` (the dashboard, `/docs`, `/openapi.json`).
/// `write`: `/write`, `/api/v2/write`, InfluxDB's `/query` (clients send `CREATE DATABASE` with
/// their write credentials) and every other `POST`/`PUT`/`PATCH` under `/api/`. `read`:
/// `/metrics`, the live stream, `POST /api/v1/query` and every `GET` under `/api/`. `admin`:
/// `/api/v1/admin/…`, `DELETE` under `/api/` (cancelling anyone's query) and any other method.
enum RouteAccess {
    static let openPaths: Set<String> = ["/health", "/ready", "/ping", "/api/v2/ping"]

    /// The scope `method path` needs, or `nil` when the route is open.
    static func requiredScope(method: HTTPRequest.Method, path: String) -> Scope? {
        let path = normalized(path)
        if path == "/api/v1/admin" || path.hasPrefix("/api/v1/admin/") { return .admin }
        switch path {
        case "/write", "/api/v2/write", "/query": return .write
        case "/metrics", StreamController.path, "/api/v1/query": return .read
        default: break
        }
        if openPaths.contains(path) { return nil }
        let reads = method == .get || method == .head
        guard path == "/api" || path.hasPrefix("/api/") else {
            // The dashboard, /docs, /openapi.json and static files: open to read.
            return reads ? nil : .admin
        }
        switch method {
        case .get, .head: return .read
        case .post, .put, .patch: return .write
        default: return .admin
        }
    }

    /// The path as the router could understand it, and stricter: percent-decoded, lowercased,
    /// with empty and `.` segments dropped and `..` applied, so `//METRICS/` is judged as
    /// `/metrics` and `/docs/../api/v1/trades` as `/api/v1/trades`.
    static func normalized(_ path: String) -> String {
        // Nearly every request's path is already in that form: say so without building strings
        // (this runs up to three times per request, for auth and rate limits).
        isNormalized(path) ? path : fullyNormalized(path)
    }

    /// ``normalized(_:)`` the long way, for any path.
    static func fullyNormalized(_ path: String) -> String {
        let decoded = (path.removingPercentEncoding ?? path).lowercased()
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." { _ = segments.popLast() } else { segments.append(segment) }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// Whether `path` is its own normal form: `/` followed by segments of ASCII that hold no
    /// capital letter and no `%`, none empty, `.` or `..` (so no `//` and no trailing `/`).
    static func isNormalized(_ path: String) -> Bool {
        var bytes = path.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return false }
        var segmentLength = 0
        var dots = 0
        var any = false
        while true {
            let byte = bytes.next()
            if byte == nil || byte == UInt8(ascii: "/") {
                // The root alone is normal; otherwise every segment must be a real name.
                if byte == nil, !any { return true }
                if segmentLength == 0 || dots == segmentLength && segmentLength <= 2 { return false }
                guard byte != nil else { return true }
                segmentLength = 0
                dots = 0
                continue
            }
            any = true
            guard let byte, byte < 0x80, byte != UInt8(ascii: "%"),
                !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            else { return false }
            segmentLength += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
    }

    /// Routes whose clients expect InfluxDB's error body, `{"code":"…","message":"…"}`.
    static func speaksInflux(_ path: String) -> Bool {
        ["/write", "/api/v2/write", "/query"].contains(normalized(path))
    }
}
