import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The parts of InfluxDB's API that clients call before writing: `/ping` (health) and
/// `/query` for `CREATE DATABASE` (Telegraf's 1.x output sends it at start). Tradewatch has one
/// database, so database management statements succeed without effect; anything else is refused.
struct InfluxCompatibilityController<Context: RequestContext> {
    static var versionHeader: HTTPField.Name { HTTPField.Name("X-Influxdb-Version")! }

    func addRoutes(to router: Router<Context>) {
        for path in ["ping", "api/v2/ping"] {
            router.get(RouterPath(path)) { _, _ in Self.ping() }
            router.head(RouterPath(path)) { _, _ in Self.ping() }
        }
        router.post("query") { request, _ in try await Self.query(request) }
        router.get("query") { request, _ in try await Self.query(request) }
    }

    static func ping() -> Response {
        var headers = HTTPFields()
        headers[versionHeader] = "1.8-tradewatch"
        return Response(status: .noContent, headers: headers)
    }

    static func query(_ request: Request) async throws -> Response {
        var statement = request.uri.queryParameters.get("q")
        if statement == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.body.collect(upTo: 64 * 1024)
            let form = String(buffer: body)
            statement = form.split(separator: "&").first { $0.hasPrefix("q=") }
                .map { String($0.dropFirst(2)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
        }
        // Form encoding writes spaces as "+".
        let text = (statement ?? "").replacingOccurrences(of: "+", with: " ").trimmingCharacters(in: .whitespaces)
            .uppercased()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[versionHeader] = "1.8-tradewatch"
        if text.hasPrefix("CREATE DATABASE") || text.hasPrefix("CREATE RETENTION POLICY") {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"results":[{"statement_id":0}]}"#)))
        }
        let message = "Tradewatch accepts only CREATE DATABASE on /query; query data with SQL at /api/v1/query"
        return Response(
            status: .badRequest, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(message)"}"#)))
    }
}
