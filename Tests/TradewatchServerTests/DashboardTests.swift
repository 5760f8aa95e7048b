import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import TradewatchServer
import TradewatchTestSupport

/// The dashboard at `/`: shipped whole (everything the page and its modules load exists), served
/// by a real server with the right types and caching headers, and nothing else taken over.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DashboardTests {
    /// The folder the page is built from, to compare what is served with what is in the repository.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/TradewatchServer/Dashboard/Public")

    /// A session that never answers from a cache, so a 304 is the server's own.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        return URLSession(configuration: configuration)
    }()

    /// Every `name` in `pattern`'s first capture group.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    static func text(_ asset: DashboardAsset) -> String {
        String(decoding: asset.body.readableBytesView, as: UTF8.self)
    }

    @Test func everyFileThePageAndItsModulesLoadIsShipped() throws {
        let assets = DashboardAssets.bundled
        let page = try #require(assets["/"], "index.html is not among the bundled files")
        let html = Self.text(page)
        let referenced = try Self.captures(#"(?:src|href)="assets/([^"]+)""#, in: html)
        #expect(Set(referenced).isSuperset(of: ["app.js", "style.css", "favicon.svg"]), "\(referenced)")
        for name in referenced {
            #expect(assets["/assets/\(name)"] != nil, "index.html loads assets/\(name), which is not shipped")
        }
        var modules = 0
        for (path, asset) in assets.files where path.hasSuffix(".js") {
            for name in try Self.captures(#"(?:from|import\()\s*'\./([^']+)'"#, in: Self.text(asset)) {
                modules += 1
                #expect(assets["/assets/\(name)"] != nil, "\(path) imports ./\(name), which is not shipped")
            }
        }
        #expect(modules >= 10)
        // Every module is preloaded by the page, so loading takes one round of requests, not one per import level.
        let preloaded = try Self.captures(#"rel="modulepreload" href="assets/([^"]+)""#, in: html)
        let shippedModules = assets.files.keys.filter { $0.hasSuffix(".js") && $0 != "/assets/app.js" }
            .map { String($0.dropFirst("/assets/".count)) }
        #expect(Set(preloaded) == Set(shippedModules), "modulepreload links and shipped modules differ")
        // Nothing is loaded from elsewhere: no absolute URL in what the page or a module loads.
        for (path, asset) in assets.files where path.hasSuffix(".js") || path == "/" || path.hasSuffix(".css") {
            #expect(!Self.text(asset).contains("//cdn") && !Self.text(asset).contains("https://"), "\(path) refers to another site")
        }
    }

    @Test func ifNoneMatchAcceptsListsWeakTagsAndStar() {
        let etag = "\"0123abcd-10\""
        #expect(DashboardController.matches([etag], etag: etag))
        #expect(DashboardController.matches(["\"other\", W/\(etag)"], etag: etag))
        #expect(DashboardController.matches(["*"], etag: etag))
        #expect(!DashboardController.matches(["\"0123abcd-11\""], etag: etag))
        #expect(!DashboardController.matches([], etag: etag))
    }

    @Test func etagsChangeWithTheContent() {
        let one = DashboardAsset(bytes: Array("body { color: red }".utf8), fileName: "style.css")
        let same = DashboardAsset(bytes: Array("body { color: red }".utf8), fileName: "style.css")
        let other = DashboardAsset(bytes: Array("body { color: blue }".utf8), fileName: "style.css")
        #expect(one.etag == same.etag)
        #expect(one.etag != other.etag)
        #expect(one.contentType == "text/css; charset=utf-8")
        #expect(DashboardAsset.contentType(forFileName: "app.js") == "text/javascript; charset=utf-8")
        #expect(DashboardAsset.contentType(forFileName: "favicon.svg") == "image/svg+xml")
        #expect(DashboardAsset.contentType(forFileName: "notes.unknown") == "application/octet-stream")
    }

    @Test func realServerServesThePageAndAssetsWithCachingHeaders() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()

        let (pageData, page) = try await request(base, "/")
        #expect(page.statusCode == 200)
        #expect(page.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
        #expect(page.value(forHTTPHeaderField: "Cache-Control") == "no-cache")
        #expect(page.value(forHTTPHeaderField: "Content-Security-Policy")?.contains("default-src 'self'") == true)
        #expect(pageData == (try Data(contentsOf: Self.sources.appendingPathComponent("index.html"))))

        let expectedTypes = [
            "app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8",
            "favicon.svg": "image/svg+xml", "linechart.js": "text/javascript; charset=utf-8",
        ]
        for (name, type) in expectedTypes {
            let (data, response) = try await request(base, "/assets/\(name)")
            #expect(response.statusCode == 200, "\(name)")
            #expect(response.value(forHTTPHeaderField: "Content-Type") == type, "\(name)")
            #expect(data == (try Data(contentsOf: Self.sources.appendingPathComponent(name))), "\(name) differs from the source")
            let etag = try #require(response.value(forHTTPHeaderField: "ETag"), "\(name) has no ETag")

            let (unchangedBody, unchanged) = try await request(base, "/assets/\(name)", headers: ["If-None-Match": etag])
            #expect(unchanged.statusCode == 304, "\(name) with its ETag")
            #expect(unchangedBody.isEmpty)
            #expect(unchanged.value(forHTTPHeaderField: "ETag") == etag)

            let (_, stale) = try await request(base, "/assets/\(name)", headers: ["If-None-Match": "\"stale\""])
            #expect(stale.statusCode == 200, "\(name) with another ETag")
        }

        let (headBody, head) = try await request(base, "/assets/style.css", method: "HEAD")
        #expect(head.statusCode == 200 && headBody.isEmpty)
        let size = try Data(contentsOf: Self.sources.appendingPathComponent("style.css")).count
        #expect(head.value(forHTTPHeaderField: "Content-Length") == String(size))

        let (missingBody, missing) = try await request(base, "/assets/missing.js")
        #expect(missing.statusCode == 404)
        #expect(missing.value(forHTTPHeaderField: "Content-Type") == "application/problem+json")
        #expect(String(decoding: missingBody, as: UTF8.self).contains("the dashboard has no file missing.js"))

        // The API and the documentation are untouched; other unknown paths stay plain 404s.
        let (_, docs) = try await request(base, "/docs")
        #expect(docs.statusCode == 200 && docs.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
        let (_, document) = try await request(base, "/openapi.json")
        #expect(document.statusCode == 200)
        let (_, health) = try await request(base, "/health")
        #expect(health.statusCode == 200)
        let (_, elsewhere) = try await request(base, "/nothing-here")
        #expect(elsewhere.statusCode == 404)

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    private func request(
        _ base: URL, _ path: String, method: String = "GET", headers: [String: String] = [:]
    ) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        return (data, try #require(response as? HTTPURLResponse))
    }
}
