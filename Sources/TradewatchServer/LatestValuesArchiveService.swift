import Logging
import ServiceLifecycle
import TradewatchQuery
import TradewatchStorage

/// Reads the latest metrics and trades of archived days into ``LatestValues`` once, in the
/// background after startup, so that a series or symbol whose rows are all archived has a
/// latest value (and a live snapshot) again without holding up the server's start: that read
/// scans the archive's files and grows with the archive. Until it ends, such keys are missing.
/// Then it waits for the server's shutdown like the other services.
struct LatestValuesArchiveService: Service {
    let latest: LatestValues
    let store: AnalyticsStore
    let logger: Logger

    func run() async throws {
        let started = ContinuousClock.now
        do {
            let read = try await cancelWhenGracefulShutdown { try await latest.loadArchived(from: store) }
            if read {
                logger.info("Latest values of archived days loaded", metadata: [
                    "event": "latest.archive_loaded", "elapsed": .stringConvertible(ContinuousClock.now - started),
                ])
            }
        } catch where error is CancellationError || Task.isShuttingDownGracefully {
            // The server stopped before the read ended (DuckDB reports the interrupted query).
            return
        } catch {
            logger.error(
                "reading the latest values of archived days failed; keys whose rows are all archived have no latest value until the next start",
                metadata: ["event": "latest.archive_failed", "error": "\(error)"])
        }
        try? await gracefulShutdown()
    }
}
