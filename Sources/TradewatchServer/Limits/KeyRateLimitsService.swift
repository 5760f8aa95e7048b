import Logging
import ServiceLifecycle
import TradewatchAuth
import TradewatchStorage

/// Reads the per-key rate limits from SQLite every few seconds, so `tradewatch keys limits`
/// takes effect on a running server without a restart and no request waits for SQLite.
struct KeyRateLimitsService: Service {
    let limiter: RateLimiter
    let store: OperationalStore
    var interval: Duration = .seconds(5)
    let logger: Logger

    func run() async throws {
        await repeatEvery(interval) {
            do {
                limiter.setKeyLimits(try await store.apiKeyRateLimits())
            } catch {
                logger.error("reading per-key rate limits failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
