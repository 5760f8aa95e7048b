public import Logging
public import ServiceLifecycle

/// Checkpoints the analytics database periodically and, on graceful shutdown (after the HTTP
/// server has finished its requests), checkpoints both stores a last time and closes them.
public struct StoreMaintenanceService: Service {
    let stores: Stores
    let checkpointInterval: Duration
    let logger: Logger

    public init(stores: Stores, checkpointInterval: Duration, logger: Logger) {
        self.stores = stores
        self.checkpointInterval = checkpointInterval
        self.logger = logger
    }

    public func run() async throws {
        await repeatEvery(checkpointInterval) {
            do {
                try await stores.analytics.checkpoint()
                logger.debug("checkpointed analytics database")
            } catch {
                logger.error("periodic checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
        await stores.close(logger: logger)
    }
}
