public import Logging
public import ServiceLifecycle

/// Keeps the one-minute trades rollup close to the newest commit, off the ingest path.
///
/// Every `interval` it folds new trades in, one bounded call after another until caught up, and
/// stops on graceful shutdown (queries stay exact without a last refresh: they read the trades
/// above the watermark themselves). A failed refresh is logged and retried at the next tick.
public struct RollupService<C: Clock>: Service where C.Duration == Duration {
    let store: AnalyticsStore
    let interval: Duration
    let maxRowsPerRefresh: Int
    let clock: C
    let logger: Logger

    public init(
        store: AnalyticsStore, interval: Duration = .seconds(1), maxRowsPerRefresh: Int = 500_000, clock: C,
        logger: Logger
    ) {
        precondition(maxRowsPerRefresh > 0, "maxRowsPerRefresh must be positive")
        self.store = store
        self.interval = interval
        self.maxRowsPerRefresh = maxRowsPerRefresh
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await repeatEvery(interval, on: clock) { await catchUp() }
    }

    /// Refreshes until a call folds less than a full batch, so a backlog drains at once while
    /// commits still get the writer between calls.
    func catchUp() async {
        do {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let folded = try await store.refreshRollups(maxRows: maxRowsPerRefresh)
                if folded > 0 { logger.debug("folded trades into rollup", metadata: ["trades": "\(folded)"]) }
                if folded < maxRowsPerRefresh { return }
            }
        } catch {
            logger.error("rollup refresh failed", metadata: ["error": "\(error)"])
        }
    }
}

extension RollupService where C == ContinuousClock {
    public init(store: AnalyticsStore, interval: Duration = .seconds(1), maxRowsPerRefresh: Int = 500_000, logger: Logger) {
        self.init(store: store, interval: interval, maxRowsPerRefresh: maxRowsPerRefresh, clock: ContinuousClock(), logger: logger)
    }
}
