import Logging
import ServiceLifecycle
import TradewatchAuth
import TradewatchStorage

/// Writes API keys' last-use times once a minute and a last time on shutdown, so checking a key
/// never waits for an SQLite write and `tradewatch keys list` is at most a minute behind.
struct APIKeyUsageService: Service {
    let authenticator: APIKeyAuthenticator
    var interval: Duration = .seconds(60)
    let logger: Logger

    func run() async throws {
        await repeatEvery(interval) { await flush() }
        await flush()
    }

    private func flush() async {
        do {
            let keys = try await authenticator.flushUsage()
            if keys > 0 { logger.debug("recorded API key use", metadata: ["keys": .stringConvertible(keys)]) }
        } catch {
            logger.error("recording API key use failed", metadata: ["error": "\(error)"])
        }
    }
}
