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
        let decoded = (path.removingPercentEncoding ?? path).lowercased()
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." { _ = segments.popLast() } else { segments.append(segment) }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// Routes whose clients expect InfluxDB's error body, `{"code":"…","message":"…"}`.
    static func speaksInflux(_ path: String) -> Bool {
        ["/write", "/api/v2/write", "/query"].contains(normalized(path))
    }
}
