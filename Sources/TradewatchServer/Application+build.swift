public import Hummingbird
public import Logging
import TradewatchStorage

/// Opens the stores in the data directory and builds the HTTP application that owns them.
///
/// - Throws: ``PortInUseError`` before touching the data directory when the port is taken, and
///   ``StoreError`` with one clear message when the data directory or a store cannot be used.
///   An existing file is never changed by a failed start.
public func buildApplication(
    configuration: ServerConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    try checkPortAvailable(host: configuration.host, port: configuration.port)
    let stores = try Stores(dataDirectory: configuration.dataDirectory, analyticsConfiguration: configuration.analytics)
    let router = buildRouter(stores: stores)
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Tradewatch"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    // Services stop in reverse order: the server first (finishing its requests), then the stores.
    app.addServices(StoreMaintenanceService(stores: stores, checkpointInterval: configuration.checkpointInterval, logger: logger))
    return app
}

/// The routes of the server.
func buildRouter(stores: Stores) -> Router<BasicRequestContext> {
    let router = Router()
    router.addRoutes(HealthController(stores: stores).routes)
    return router
}
