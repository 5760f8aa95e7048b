import Foundation
import HTTPTypes
import Hummingbird

/// Serves the dashboard: `GET /` (the page) and `GET /assets/<file>` (its scripts, styles and
/// icon), from memory, with `ETag`, `If-None-Match` (304) and `Cache-Control: no-cache` (asset
/// URLs carry no version, so a browser revalidates each time and gets a 304 while the file is
/// unchanged). An unknown asset is a 404.
///
/// A middleware rather than routes, like Hummingbird's `FileMiddleware`: the page is not part of
/// the API, so the router's routes (and the OpenAPI document that lists them) stay the API's.
/// Any other request passes through untouched.
struct DashboardController: RouterMiddleware {
    typealias Context = TradewatchRequestContext

    static let assetPrefix = "/assets/"

    let assets: DashboardAssets

    init(assets: DashboardAssets = .bundled) {
        self.assets = assets
    }

    /// Request paths of the shipped dashboard, for the access log's route names.
    static var routes: Set<String> { DashboardAssets.bundled.paths }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard request.method == .get || request.method == .head,
            path == "/" || path.hasPrefix(Self.assetPrefix)
        else { return try await next(request, context) }
        guard let asset = assets[path] else {
            return ProblemResponse.make(
                status: .notFound, detail: "the dashboard has no file \(path.dropFirst(Self.assetPrefix.count))",
                correlationID: context.correlationID)
        }
        var headers = HTTPFields()
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if path == "/" { headers[.contentSecurityPolicy] = Self.contentSecurityPolicy }
        if Self.matches(request.headers[values: .ifNoneMatch], etag: asset.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        guard request.method == .get else {
            headers[.contentLength] = String(asset.body.readableBytes)
            return Response(status: .ok, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }

    /// Everything the page loads comes from this server: no third-party script, style or font
    /// can run even if one were added by mistake (the browser test would see the violation).
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'",
    ].joined(separator: "; ")

    /// `If-None-Match` holds a list of ETags (possibly weak, `W/"…"`) or `*`.
    static func matches(_ values: [String], etag: String) -> Bool {
        let weak = "W/" + etag
        let tags: [String] = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return tags.contains { $0 == "*" || $0 == etag || $0 == weak }
    }
}
