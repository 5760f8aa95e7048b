import Foundation
import Hummingbird
import Logging
import TradewatchAuth
import TradewatchStorage

/// What `buildApplication` wires for authentication: the authenticator (shared by the HTTP and
/// WebSocket routers and the usage service) and the mode in force, or `nil` when auth is off.
struct AuthSetup {
    let authenticator: APIKeyAuthenticator
    let mode: AuthMode

    /// Refuses what can be refused before the stores are opened, so that a refused start creates
    /// no data directory: `--auth optional` on an address other machines can reach (anyone could
    /// read and write without a key) unless `--insecure` says so, and such an address with no
    /// `operational.sqlite` yet (so no key can exist).
    static func checkBeforeOpening(_ configuration: ServerConfiguration) throws {
        let host = configuration.host
        guard !configuration.insecure, !LoopbackHost.contains(host) else { return }
        if configuration.auth == .optional {
            throw StoreError(
                """
                refusing to listen on \(host) with --auth optional: anyone who can reach it could read and write without a key. \
                Leave --auth (TRADEWATCH_AUTH) out, so that keys are required, \
                or pass --insecure (TRADEWATCH_INSECURE=1) to run without authentication
                """)
        }
        let directory = URL(fileURLWithPath: configuration.dataDirectory).standardizedFileURL.path
        if !FileManager.default.fileExists(atPath: directory + "/" + Stores.operationalFileName) {
            throw noKeys(host: host, dataDirectory: directory)
        }
    }

    /// Decides the auth in force for `configuration` and checks the server may start with it.
    ///
    /// - Returns: `nil` when `--insecure` turned auth off (logged loudly).
    /// - Throws: ``StoreError`` when the server would listen beyond loopback with auth on but no
    ///   key exists, telling how to make one.
    static func prepare(_ configuration: ServerConfiguration, stores: Stores, logger: Logger) async throws -> AuthSetup? {
        let host = configuration.host
        let loopback = LoopbackHost.contains(host)
        if configuration.insecure {
            logger.warning(
                "API key authentication is OFF (--insecure): anyone who can reach \(host) may read and write everything",
                metadata: ["event": "auth.off", "host": .string(host)])
            return nil
        }
        let authenticator = APIKeyAuthenticator(store: stores.operational)
        let hasKey = try await authenticator.hasActiveKey()
        if !hasKey, !loopback {
            await stores.close(logger: logger)
            throw noKeys(host: host, dataDirectory: stores.dataDirectory)
        }
        if !hasKey, configuration.auth == .required {
            logger.warning(
                "API keys are required but none exists: every request but /health, /ready and /ping will be refused until one is made with `tradewatch keys create`",
                metadata: ["event": "auth.no_keys"])
        }
        logger.info(
            "API key authentication \(configuration.auth.rawValue)",
            metadata: ["event": "auth.mode", "mode": .string(configuration.auth.rawValue)])
        return AuthSetup(authenticator: authenticator, mode: configuration.auth)
    }

    private static func noKeys(host: String, dataDirectory: String) -> StoreError {
        StoreError(
            """
            refusing to listen on \(host) without API keys: a server reachable from other machines needs at least one. \
            Create one with `tradewatch keys create --name NAME --scope write,read --data-dir \(dataDirectory)`, \
            or pass --insecure (TRADEWATCH_INSECURE=1) to run without authentication
            """)
    }

    /// Checks keys on the main router, right after the request-logging middleware.
    func install(on router: Router<TradewatchRequestContext>, metrics: ServerMetrics) {
        router.add(middleware: AuthMiddleware(check: AuthCheck(authenticator: authenticator, mode: mode), metrics: metrics))
    }

    /// Checks keys of WebSocket handshakes, on the upgrade router.
    func install(on router: Router<LiveRequestContext>) {
        router.add(middleware: WebSocketAuthMiddleware(check: AuthCheck(authenticator: authenticator, mode: mode)))
    }
}
