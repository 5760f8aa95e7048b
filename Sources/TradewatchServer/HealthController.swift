import DuckDB
import Hummingbird
import TradewatchStorage

/// `GET /health` (the process answers) and `GET /ready` (both stores open and taking writes).
struct HealthController<Context: RequestContext> {
    let stores: Stores

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("health") { _, _ in HealthResponse(status: "ok") }
        routes.get("ready") { _, _ in try await ready() }
        return routes
    }

    struct HealthResponse: ResponseEncodable {
        let status: String
    }

    struct ReadyResponse: ResponseEncodable {
        struct Analytics: Codable {
            let engine: String
            let version: String
            let path: String
            let schemaVersion: Int?
            let sizeBytes: Int
            let writable: Bool
            let error: String?
        }

        struct Operational: Codable {
            let engine: String
            let version: String?
            let path: String
            let migrations: [String]?
            let sizeBytes: Int
            let writable: Bool
            let error: String?
        }

        let status: String
        let dataDirectory: String
        let analytics: Analytics
        let operational: Operational
    }

    func ready() async throws -> EditedResponse<ReadyResponse> {
        var analyticsError: String?
        var schemaVersion: Int?
        do {
            try await stores.analytics.probeWrite()
            schemaVersion = try await stores.analytics.schemaVersion()
        } catch {
            analyticsError = "\(error)"
        }
        var operationalError: String?
        var sqliteVersion: String?
        var migrations: [String]?
        do {
            try await stores.operational.probeWrite()
            sqliteVersion = try await stores.operational.sqliteVersion()
            migrations = try await stores.operational.appliedMigrations()
        } catch {
            operationalError = "\(error)"
        }
        let isReady = analyticsError == nil && operationalError == nil
        let body = ReadyResponse(
            status: isReady ? "ready" : "not ready",
            dataDirectory: stores.dataDirectory,
            analytics: .init(
                engine: "duckdb", version: Database.libraryVersion, path: stores.analytics.path,
                schemaVersion: schemaVersion, sizeBytes: stores.analytics.sizeBytes, writable: analyticsError == nil,
                error: analyticsError),
            operational: .init(
                engine: "sqlite", version: sqliteVersion, path: stores.operational.path ?? "",
                migrations: migrations, sizeBytes: stores.operational.sizeBytes, writable: operationalError == nil,
                error: operationalError))
        return EditedResponse(status: isReady ? .ok : .serviceUnavailable, response: body)
    }
}
