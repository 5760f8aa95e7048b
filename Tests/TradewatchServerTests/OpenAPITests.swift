import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import Testing
import TradewatchIngest
import TradewatchQuery
@testable import TradewatchServer
import TradewatchStorage
import TradewatchTestSupport

/// `/openapi.json` and `/docs`: the document names exactly the routes the router has, and a real
/// server serves both with the right content types.
@Suite(.serialized, .timeLimit(.minutes(2))) struct OpenAPITests {
    /// `"get /api/v1/queries/{id}"` for every operation of the document.
    private func documentedRoutes() -> Set<String> {
        var routes: Set<String> = []
        for (path, item) in OpenAPIDocument.value["paths"]?.members ?? [] {
            for (method, _) in item.members { routes.insert("\(method) \(path)") }
        }
        return routes
    }

    @Test func documentNamesExactlyTheRoutesOfTheRouter() async throws {
        let folder = try TemporaryDirectory()
        let stores = try Stores(dataDirectory: folder.path("data"))
        let logger = Logger(label: "test")
        let writer = BatchWriter(store: stores.analytics, lastCommitted: 0, logger: logger)
        let metrics = ServerMetrics()
        let queries = QueryController(
            store: stores.analytics, writer: writer, registry: RunningQueries(), cache: QueryCache(), latest: LatestValues(),
            limits: QueryLimits(), metrics: metrics)
        let router = buildRouter(stores: stores, writer: writer, limits: .init(), metrics: metrics, queries: queries)
        let routed = Set(router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        await stores.close(logger: logger)

        let documented = documentedRoutes()
        #expect(routed.subtracting(documented).isEmpty, "routes missing from the document: \(routed.subtracting(documented).sorted())")
        #expect(routed.contains("get /openapi.json") && routed.contains("get /docs"))
        // Query endpoints are documented ahead of their handlers, and the admin endpoints are routed by
        // buildApplication (they need the archiver); anything else must be routed here.
        let ahead = documented.subtracting(routed).filter {
            !$0.hasPrefix("get /api/v1/") && !$0.contains("/api/v1/quer") && !$0.contains("/api/v1/admin/")
        }
        #expect(ahead.isEmpty, "documented but not routed: \(ahead.sorted())")
    }

    @Test func everyOperationNamesTheAnswersOfTheConnectionLimits() throws {
        // A slow request (408), a head too large (431) and a connection beyond the limit (503)
        // can reach any route; an operation with a 503 of its own keeps it.
        for (path, item) in OpenAPIDocument.value["paths"]?.members ?? [] {
            for (method, operation) in item.members {
                let statuses = Set((operation["responses"]?.members ?? []).map(\.key))
                #expect(statuses.isSuperset(of: ["408", "431", "503"]), "\(method) \(path): \(statuses.sorted())")
            }
        }
        let write = OpenAPIDocument.value["paths"]?["/write"]?["post"]?["responses"]?["503"]?.jsonText ?? ""
        #expect(write.contains("InfluxUnavailable"), "\(write)")
    }

    @Test func operationsHaveUniqueIdsAndResolvableReferences() throws {
        let json = OpenAPIDocument.value.jsonText
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(parsed["openapi"] as? String == "3.1.0")
        let components = try #require(parsed["components"] as? [String: [String: Any]])
        // Every "$ref" names a component that exists.
        var references: [String] = []
        var remaining = json[...]
        while let range = remaining.range(of: "\"$ref\": \"#/components/") {
            let rest = remaining[range.upperBound...]
            let end = try #require(rest.firstIndex(of: "\""))
            references.append(String(rest[..<end]))
            remaining = rest[end...]
        }
        #expect(references.count > 50)
        for reference in Set(references) {
            let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
            #expect(components[parts[0]]?[parts[1]] != nil, "dangling $ref \(reference)")
        }
        let ids = OpenAPIDocument.operations.compactMap { $0.value["operationId"]?.string }
        #expect(ids.count == OpenAPIDocument.operations.count && Set(ids).count == ids.count)
    }

    @Test func serverServesTheDocumentAndThePage() async throws {
        let folder = try TemporaryDirectory()
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        let base = try await server.waitUntilListening()

        let (documentData, documentResponse) = try await URLSession.shared.data(from: base.appendingPathComponent("openapi.json"))
        let documentHTTP = try #require(documentResponse as? HTTPURLResponse)
        #expect(documentHTTP.statusCode == 200)
        #expect(documentHTTP.value(forHTTPHeaderField: "Content-Type") == "application/json; charset=utf-8")
        let document = try #require(try JSONSerialization.jsonObject(with: documentData) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths["/api/v1/trades"] != nil && paths["/write"] != nil)

        let (pageData, pageResponse) = try await URLSession.shared.data(from: base.appendingPathComponent("docs"))
        let pageHTTP = try #require(pageResponse as? HTTPURLResponse)
        #expect(pageHTTP.statusCode == 200)
        #expect(pageHTTP.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
        let page = String(decoding: pageData, as: UTF8.self)
        #expect(page.hasPrefix("<!doctype html>"))
        for path in paths.keys { #expect(page.contains("<code>\(path)</code>"), "\(path) missing from /docs") }
        #expect(!page.contains("<script"))

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
