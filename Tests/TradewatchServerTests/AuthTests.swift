import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Logging
import Testing
@testable import TradewatchServer
import TradewatchTestSupport

/// API keys against the real `tradewatch` executable: keys made with `tradewatch keys create`,
/// every endpoint family with no key, a wrong key, a revoked key, the wrong scope and the right
/// one, the live stream's handshake, and the start-up rules for public addresses.
@Suite(.serialized, .timeLimit(.minutes(5))) struct AuthTests {
    @Test func keysCommandPrintsTheSecretOnceAndRefusesBadInput() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let created = try await ServerProcess.run(["keys", "create", "--name", "ci", "--scope", "write,read", "--data-dir", data])
        #expect(created.status == 0 && created.output.contains("cannot be shown again"))
        let key = try #require(AuthTests.key(in: created.output))
        let listed = try await ServerProcess.run(["keys", "list", "--data-dir", data])
        #expect(listed.status == 0 && listed.output.contains("ci") && listed.output.contains("read,write"))
        #expect(!listed.output.contains(String(key.split(separator: "_").last!)), "keys list shows a secret")

        let duplicate = try await ServerProcess.run(["keys", "create", "--name", "ci", "--scope", "read", "--data-dir", data])
        #expect(duplicate.status == 1 && duplicate.errors.contains("an API key named \"ci\" already exists"))
        let badScope = try await ServerProcess.run(["keys", "create", "--name", "x", "--scope", "read,delete", "--data-dir", data])
        #expect(badScope.status == 1 && badScope.errors.contains("unknown scope \"delete\""))
        let unknown = try await ServerProcess.run(["keys", "revoke", "nobody", "--data-dir", data])
        #expect(unknown.status == 1 && unknown.errors.contains("no API key has the name or id \"nobody\""))
        let revoked = try await ServerProcess.run(["keys", "revoke", "ci", "--data-dir", data])
        #expect(revoked.status == 0 && revoked.output.contains("Revoked API key \"ci\""))
        let quiet = try await ServerProcess.run(["keys", "create", "--name", "script", "--scope", "admin", "--quiet", "--data-dir", data])
        #expect(AuthTests.key(in: quiet.output) == quiet.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func everyEndpointFamilyRefusesMissingWrongRevokedAndUnderScopedKeys() async throws {
        let folder = try TemporaryDirectory()
        let keys = try await AuthTests.makeKeys(folder.path("data"))
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data"), "--auth", "required"])
        defer { server.signal(SIGTERM) }
        let base = try await server.waitUntilListening()
        let wrong = "tw_\(String(repeating: "0", count: 16))_\(String(repeating: "a", count: 64))"

        for endpoint in Endpoint.all {
            let none = try await endpoint.send(base, key: nil)
            #expect(none.status == 401 && none.body.contains("no API key given"), "\(endpoint.name): \(none)")
            #expect(none.headers["www-authenticate"]?.hasPrefix("Bearer realm=\"tradewatch\"") == true, "\(endpoint.name)")
            let notRecognised = try await endpoint.send(base, key: wrong)
            #expect(notRecognised.status == 401 && notRecognised.body.contains("API key not recognised"), "\(endpoint.name)")
            let revoked = try await endpoint.send(base, key: keys.revoked)
            #expect(revoked.status == 401 && revoked.body.contains("API key revoked"), "\(endpoint.name): \(revoked)")
            let underScoped = try await endpoint.send(base, key: endpoint.scope == "read" ? keys.writer : keys.reader)
            #expect(underScoped.status == 403, "\(endpoint.name): \(underScoped)")
            #expect(underScoped.body.contains("needs the \(endpoint.scope) scope"), "\(endpoint.name): \(underScoped)")
            #expect(underScoped.body.contains("holds \(endpoint.scope == "read" ? "write" : "read")"), "\(endpoint.name)")
            for key in [endpoint.scope == "read" ? keys.reader : keys.writer, keys.admin] {
                let allowed = try await endpoint.send(base, key: key)
                #expect(allowed.status == endpoint.success, "\(endpoint.name): \(allowed)")
            }
            // Each family answers in its own error shape.
            #expect(none.headers["content-type"] == (endpoint.influx ? "application/json; charset=utf-8" : "application/problem+json"))
            if endpoint.influx { #expect(none.body.hasPrefix(#"{"code":"unauthorized","message":"#)) }
        }
        // InfluxDB's Token scheme and Basic credentials (password = key) are accepted too.
        #expect(try await Endpoint.v2Write.send(base, header: "Token \(keys.writer)").status == 204)
        let basic = Data("telegraf:\(keys.writer)".utf8).base64EncodedString()
        #expect(try await Endpoint.v2Write.send(base, header: "Basic \(basic)").status == 204)
        #expect(try await Endpoint.v2Write.send(base, header: "Digest abc").body.contains("not supported"))
        #expect(try await Endpoint.v2Write.send(base, header: "Token my-token").body.contains("API key not recognised"))

        for (path, status) in [("/health", 200), ("/ready", 200), ("/ping", 204), ("/docs", 200), ("/openapi.json", 200)] {
            #expect(try await request("GET", base, path).status == status, "\(path) is open")
        }

        // The live stream: header or access_token; refusals close the socket with 4401/4403.
        #expect(try await openStream(base, query: "?access_token=\(keys.reader)").subscribed)
        #expect(try await openStream(base, header: "Bearer \(keys.reader)").subscribed)
        for (key, code, reason) in [
            (nil, 4401, "no API key given"), (wrong, 4401, "API key not recognised"),
            (keys.revoked, 4401, "API key revoked"), (keys.writer, 4403, "this API key lacks the read scope"),
        ] {
            let refused = try await openStream(base, query: key.map { "?access_token=\($0)" } ?? "")
            #expect(!refused.subscribed && refused.closeCode == UInt16(code), "\(reason): \(refused)")
            #expect(refused.closeReason == reason)
        }
        #expect(try await request("GET", base, "/api/v1/stream").status == 401)

        // The access line names the key; a revocation from the command line takes effect within seconds.
        #expect(server.standardOutput.contains(#""api_key":"reader""#))
        _ = try await ServerProcess.run(["keys", "revoke", "reader", "--data-dir", folder.path("data")])
        let deadline = ContinuousClock.now + .seconds(15)
        var afterRevoke = try await Endpoint.history.send(base, key: keys.reader)
        while afterRevoke.status == 200, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            afterRevoke = try await Endpoint.history.send(base, key: keys.reader)
        }
        #expect(afterRevoke.status == 401 && afterRevoke.body.contains("API key revoked"))

        // Last use is written at shutdown at the latest.
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        let listed = try await ServerProcess.run(["keys", "list", "--data-dir", folder.path("data")]).output
        let writerLine = try #require(listed.split(separator: "\n").first { $0.hasPrefix("writer ") })
        let columns = writerLine.split(separator: " ", omittingEmptySubsequences: true)
        #expect(columns.count == 6 && columns[4] != "-" && columns[5] == "-", "last used missing: \(writerLine)")
    }

    @Test func optionalAuthOnLoopbackLetsAnonymousRequestsInButJudgesKeysGiven() async throws {
        let folder = try TemporaryDirectory()
        let keys = try await AuthTests.makeKeys(folder.path("data"))
        let server = try ServerProcess(["serve", "--port", "0", "--data-dir", folder.path("data")])
        defer { server.signal(SIGTERM) }
        let base = try await server.waitUntilListening()
        #expect(try await Endpoint.history.send(base, key: nil).status == 200)
        #expect(try await Endpoint.v2Write.send(base, key: nil).status == 204)
        #expect(try await Endpoint.metrics.send(base, key: nil).status == 200)
        #expect(try await openStream(base).subscribed)
        #expect(try await Endpoint.history.send(base, key: "tw_not_a_key").status == 401)
        // Placeholder credentials of InfluxDB clients are not keys: anonymous here, refused when required.
        #expect(try await Endpoint.v2Write.send(base, header: "Token my-token").status == 204)
        #expect(try await Endpoint.v1Write.send(base, key: "password").status == 204)
        #expect(try await Endpoint.history.send(base, key: keys.revoked).status == 401)
        #expect(try await Endpoint.history.send(base, key: keys.writer).status == 403)
        #expect(try await Endpoint.history.send(base, key: keys.reader).status == 200)
    }

    @Test func aPublicAddressNeedsAKeyOrInsecure() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path("data")
        let refused = try ServerProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", data])
        #expect(try await refused.waitForExit() == 1)
        #expect(refused.standardError.contains("refusing to listen on 0.0.0.0 without API keys"), "\(refused.standardError)")
        #expect(refused.standardError.contains("tradewatch keys create") && refused.standardError.contains("--insecure"))
        #expect(!FileManager.default.fileExists(atPath: data), "a refused start created the data directory")

        let insecure = try ServerProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", data, "--insecure"])
        let open = try AuthTests.loopback(try await insecure.waitUntilListening())
        #expect(insecure.standardOutput.contains("API key authentication is OFF"))
        #expect(try await Endpoint.history.send(open, key: nil).status == 200)
        insecure.signal(SIGTERM)
        #expect(try await insecure.waitForExit() == 0)

        let keys = try await AuthTests.makeKeys(data)
        let guarded = try ServerProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", data])
        defer { guarded.signal(SIGTERM) }
        let base = try AuthTests.loopback(try await guarded.waitUntilListening())
        #expect(try await Endpoint.history.send(base, key: nil).status == 401)
        #expect(try await Endpoint.history.send(base, key: keys.reader).status == 200)
        #expect(try await request("GET", base, "/health").status == 200)

        // Keys exist, but optional auth would still let anyone in: refused before any store is
        // opened (the running server holds them), unless --insecure says so.
        let optional = try ServerProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", data, "--auth", "optional"])
        #expect(try await optional.waitForExit() == 1)
        #expect(
            optional.standardError.contains("refusing to listen on 0.0.0.0 with --auth optional")
                && optional.standardError.contains("--insecure"), "\(optional.standardError)")
        let insecureData = folder.path("insecure-data")
        let optionalInsecure = try ServerProcess([
            "serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", insecureData, "--auth", "optional", "--insecure",
        ])
        defer { optionalInsecure.signal(SIGTERM) }
        let anyone = try AuthTests.loopback(try await optionalInsecure.waitUntilListening())
        #expect(optionalInsecure.standardOutput.contains("API key authentication is OFF"))
        #expect(try await Endpoint.history.send(anyone, key: nil).status == 200)

        let contradiction = try ServerProcess(["serve", "--port", "0", "--data-dir", data, "--insecure", "--auth", "required"])
        #expect(try await contradiction.waitForExit() != 0)
        #expect(contradiction.standardError.contains("cannot be combined with --auth required"))
    }
}

/// Pure decisions: which scope a route needs, where keys are read from, what is loopback.
@Suite struct AuthRulesTests {
    @Test func routesNeedTheScopesTheREADMEPromises() {
        let cases: [(HTTPRequest.Method, String, String?)] = [
            (.get, "/health", nil), (.get, "/ready", nil), (.head, "/ping", nil), (.get, "/api/v2/ping", nil),
            (.get, "/", nil), (.get, "/docs", nil), (.get, "/openapi.json", nil), (.get, "/assets/app.js", nil),
            (.post, "/write", "write"), (.post, "/api/v2/write", "write"), (.post, "/api/v1/trades", "write"),
            (.post, "/query", "write"), (.get, "/metrics", "read"), (.get, "/api/v1/trades", "read"),
            (.post, "/api/v1/query", "read"), (.get, "/api/v1/stream", "read"), (.get, "/api/v1/queries", "read"),
            (.delete, "/api/v1/queries/q1", "admin"), (.get, "/api/v1/admin/keys", "admin"), (.post, "/", "admin"),
            // Spellings the router might still match are judged as the route they could reach.
            (.get, "//METRICS/", "read"), (.get, "/%6Detrics", "read"), (.get, "/./api/v1/trades", "read"),
            (.get, "/docs/../api/v1/trades", "read"), (.get, "/assets/%2E%2E/metrics", "read"),
            (.post, "/docs/../../api/v1/admin/archive", "admin"),
        ]
        for (method, path, scope) in cases {
            #expect(RouteAccess.requiredScope(method: method, path: path)?.rawValue == scope, "\(method) \(path)")
        }
    }

    @Test func authorizationHeadersAreReadByScheme() {
        #expect(PresentedCredential.fromAuthorization("Bearer tw_a") == .key("tw_a"))
        #expect(PresentedCredential.fromAuthorization("token  tw_b ") == .key("tw_b"))
        let basic = Data("user:tw_c".utf8).base64EncodedString()
        #expect(PresentedCredential.fromAuthorization("Basic \(basic)") == .key("tw_c"))
        guard case .unreadable = PresentedCredential.fromAuthorization("Bearer") else { Issue.record("empty Bearer read"); return }
        guard case .unreadable = PresentedCredential.fromAuthorization("Basic !!!") else { Issue.record("bad Basic read"); return }
    }

    @Test func loopbackHostsAreRecognisedAndOthersAreNot() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(LoopbackHost.contains(host), "\(host)")
            #expect(AuthMode.defaultMode(host: host) == .optional)
        }
        for host in ["0.0.0.0", "::", "1::", "10.0.0.1", "192.168.1.5", "example.com", "128.0.0.1", "127.0.0.256"] {
            #expect(!LoopbackHost.contains(host), "\(host)")
            #expect(AuthMode.defaultMode(host: host) == .required)
        }
        var configuration = ServerConfiguration(host: "0.0.0.0")
        #expect(configuration.auth == .required)
        configuration.auth = .optional
        #expect(configuration.auth == .optional)
    }
}

// MARK: - Helpers

extension AuthTests {
    struct Keys {
        let reader: String
        let writer: String
        let admin: String
        /// Held `read,write`, revoked before the server starts.
        let revoked: String
    }

    /// Keys made with the real command line: reader, writer, admin, and a revoked one.
    static func makeKeys(_ dataDirectory: String) async throws -> Keys {
        func create(_ name: String, _ scope: String) async throws -> String {
            let result = try await ServerProcess.run(["keys", "create", "--name", name, "--scope", scope, "--data-dir", dataDirectory])
            return try #require(key(in: result.output), "keys create \(name): \(result.errors)")
        }
        let keys = Keys(
            reader: try await create("reader", "read"), writer: try await create("writer", "write"),
            admin: try await create("admin", "admin"), revoked: try await create("former", "read,write"))
        #expect(try await ServerProcess.run(["keys", "revoke", "former", "--data-dir", dataDirectory]).status == 0)
        return keys
    }

    static func key(in output: String) -> String? {
        output.range(of: #"tw_[0-9a-f]{16}_[0-9a-f]{64}"#, options: .regularExpression).map { String(output[$0]) }
    }

    /// A server listening on 0.0.0.0, reached through 127.0.0.1.
    static func loopback(_ url: URL) throws -> URL {
        try #require(URL(string: url.absoluteString.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1")))
    }
}

/// Runs `tradewatch ARGUMENTS` to the end.
struct HTTPAnswer: CustomStringConvertible {
    let status: Int
    /// Lowercased names.
    let headers: [String: String]
    let body: String
    var description: String { "\(status) \(body)" }
}

/// One request, without caches or cookies: the answer exactly as the server gave it.
func request(
    _ method: String, _ base: URL, _ pathAndQuery: String, headers: [String: String] = [:], body: String? = nil
) async throws -> HTTPAnswer {
    var request = URLRequest(url: try #require(URL(string: base.absoluteString + pathAndQuery)))
    request.httpMethod = method
    request.cachePolicy = .reloadIgnoringLocalCacheData
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = body.map { Data($0.utf8) }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    let fields = http.allHeaderFields.reduce(into: [String: String]()) { $0["\($1.key)".lowercased()] = "\($1.value)" }
    return HTTPAnswer(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
}

/// One endpoint family of the auth matrix.
struct Endpoint: Sendable {
    let name: String
    let method: String
    let path: String
    let body: String?
    var contentType: String? = nil
    let scope: String
    let success: Int
    var influx = false
    /// InfluxDB 1.x: the key goes in the `p` query parameter (`u` is anything).
    var keyInQuery = false

    static let v2Write = Endpoint(
        name: "v2 write", method: "POST", path: "/api/v2/write?precision=s", body: "auth_test value=1 1767225600",
        scope: "write", success: 204, influx: true)
    static let v1Write = Endpoint(
        name: "1.x write", method: "POST", path: "/write?precision=s", body: "auth_test value=2 1767225601",
        scope: "write", success: 204, influx: true, keyInQuery: true)
    static let jsonIngest = Endpoint(
        name: "JSON ingest", method: "POST", path: "/api/v1/metrics",
        body: #"{"metrics":[{"ts":"2026-01-01T00:00:02Z","name":"auth_test","value":3}]}"#,
        contentType: "application/json", scope: "write", success: 204)
    static let history = Endpoint(name: "GET query", method: "GET", path: "/api/v1/metrics?limit=1", body: nil, scope: "read", success: 200)
    static let sql = Endpoint(
        name: "SQL query", method: "POST", path: "/api/v1/query", body: #"{"sql":"SELECT 1 AS one"}"#,
        contentType: "application/json", scope: "read", success: 200)
    static let metrics = Endpoint(name: "/metrics", method: "GET", path: "/metrics", body: nil, scope: "read", success: 200)
    static let all = [v2Write, v1Write, jsonIngest, history, sql, metrics]

    func send(_ base: URL, key: String?) async throws -> HTTPAnswer {
        guard let key else { return try await send(base, header: nil) }
        guard keyInQuery else { return try await send(base, header: "Bearer \(key)") }
        var headers: [String: String] = [:]
        if let contentType { headers["Content-Type"] = contentType }
        return try await request(method, base, path + "&u=tester&p=\(key)", headers: headers, body: body)
    }

    func send(_ base: URL, header: String?) async throws -> HTTPAnswer {
        var headers: [String: String] = [:]
        if let contentType { headers["Content-Type"] = contentType }
        if let header { headers["Authorization"] = header }
        return try await request(method, base, path, headers: headers, body: body)
    }
}

/// What became of a live-stream connection that asked to subscribe to trades.
struct StreamOutcome: CustomStringConvertible {
    let subscribed: Bool
    let closeCode: UInt16?
    let closeReason: String?
    var description: String { "subscribed: \(subscribed), close: \(closeCode.map(String.init) ?? "none") \(closeReason ?? "")" }
}

/// Opens the live stream over a plain socket (RawWebSocket: every wait bounded, so a refused
/// handshake can never leave the test waiting), sends a subscribe and reports whether it was
/// confirmed or how the server closed.
func openStream(_ base: URL, query: String = "", header: String? = nil) async throws -> StreamOutcome {
    let socket = try await RawWebSocket.open(base, path: "/api/v1/stream" + query, authorization: header)
    defer { socket.close() }
    socket.sendText(#"{"op":"subscribe","id":"s","table":"trades"}"#)
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        guard let frame = try await socket.nextFrame(timeout: deadline - ContinuousClock.now) else { break }
        switch frame {
        case .text(let text) where text.contains(#""op":"subscribed""#):
            return StreamOutcome(subscribed: true, closeCode: nil, closeReason: nil)
        case .close(let code, let reason):
            return StreamOutcome(subscribed: false, closeCode: code, closeReason: reason)
        default:
            continue
        }
    }
    return StreamOutcome(subscribed: false, closeCode: nil, closeReason: nil)
}
