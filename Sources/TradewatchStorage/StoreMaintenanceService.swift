public import Logging
public import ServiceLifecycle

/// Checkpoints the analytics database in the background and, on graceful shutdown (after the
/// HTTP server has finished its requests), checkpoints both stores a last time and closes them.
///
/// A DuckDB checkpoint holds commits up while it writes, for a time that grows with the rows
/// written since the last one. So the service checks the write-ahead log every `checkEvery` (a
/// second) and checkpoints once it has passed `walBytes` (1 MiB): under steady ingestion each
/// checkpoint covers about a second of rows (tens of ms at 100,000 rows/s), instead of one stall
/// of 0.3–0.6 s when DuckDB's own threshold (128 MB) is reached inline with a commit. Checking
/// more often costs throughput: small checkpoints cost about three times as much per row.
/// A log that stays small is checkpointed every `interval` all the same, and an empty one never.
/// A due checkpoint starts right after the next commit ends (waiting at most `commitWait`): the
/// writer then has the gap before the following commit, so the checkpoint holds fewer of them up.
public struct StoreMaintenanceService: Service {
    public struct Policy: Sendable, Equatable {
        /// Checkpoint whenever the write-ahead log holds anything and this long has passed.
        public var interval: Duration
        /// Checkpoint as soon as the write-ahead log is this large; 0 checks only the interval.
        public var walBytes: Int
        /// How often the log's size is looked at.
        public var checkEvery: Duration

        /// How long a due checkpoint waits for the next commit to end, to start right after it.
        public var commitWait: Duration
        /// A checkpoint refused because another connection is inside a write transaction (the
        /// rollup, for tens of milliseconds) is tried again this often, up to `busyRetries`
        /// times, before it waits for the next check: under full ingestion a second's delay
        /// doubles the rows held in memory uncompressed.
        public var busyRetryDelay: Duration
        public var busyRetries: Int

        public init(
            interval: Duration = .seconds(60), walBytes: Int = 1 << 20, checkEvery: Duration = .seconds(1),
            commitWait: Duration = .milliseconds(200), busyRetryDelay: Duration = .milliseconds(25), busyRetries: Int = 20
        ) {
            self.interval = interval
            self.walBytes = walBytes
            self.checkEvery = checkEvery
            self.commitWait = commitWait
            self.busyRetryDelay = busyRetryDelay
            self.busyRetries = busyRetries
        }

        /// Whether to checkpoint a log of `walBytes` bytes, `sinceLast` after the last checkpoint.
        public func shouldCheckpoint(walBytes current: Int, sinceLast: Duration) -> Bool {
            guard current > 0 else { return false }
            return (walBytes > 0 && current >= walBytes) || sinceLast >= interval
        }
    }

    let stores: Stores
    let policy: Policy
    let logger: Logger

    public init(stores: Stores, policy: Policy, logger: Logger) {
        self.stores = stores
        self.policy = policy
        self.logger = logger
    }

    public func run() async throws {
        var last = ContinuousClock.now
        // After a failure, no new attempt before this (one error per interval, not per check).
        var retryAt: ContinuousClock.Instant?
        await repeatEvery(min(policy.checkEvery, policy.interval)) {
            let walBytes = stores.analytics.walBytes
            let now = ContinuousClock.now
            guard policy.shouldCheckpoint(walBytes: walBytes, sinceLast: now - last), retryAt.map({ now >= $0 }) ?? true
            else { return }
            // Right behind a commit: the checkpoint then mostly runs in the gap before the next.
            await stores.analytics.afterNextCommit(timeout: policy.commitWait)
            let started = ContinuousClock.now
            do {
                try await checkpointRetryingWhileBusy()
                last = ContinuousClock.now
                retryAt = nil
                logger.debug(
                    "checkpointed analytics database",
                    metadata: [
                        "wal_bytes": "\(walBytes)", "waited_for_commit_ms": "\((started - now) / .milliseconds(1))",
                        "duration_ms": "\((last - started) / .milliseconds(1))",
                    ])
            } catch where Self.isBusy(error) {
                // Another connection (the rollup, the archiver) is inside a write transaction:
                // DuckDB refuses to checkpoint then. The next check tries again.
                logger.debug("checkpoint postponed: another write transaction is open", metadata: ["wal_bytes": "\(walBytes)"])
            } catch {
                last = ContinuousClock.now
                retryAt = last + policy.interval
                logger.error("periodic checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
        await stores.close(logger: logger)
    }

    /// Checkpoints; while DuckDB refuses because another connection is inside a write
    /// transaction, tries again after `busyRetryDelay`, `busyRetries` times at most.
    private func checkpointRetryingWhileBusy() async throws {
        var retries = 0
        while true {
            do {
                return try await stores.analytics.checkpoint()
            } catch where Self.isBusy(error) && retries < policy.busyRetries {
                retries += 1
                try? await Task.sleep(for: policy.busyRetryDelay)
            }
        }
    }

    /// DuckDB's refusal to checkpoint while another connection has a write transaction open.
    static func isBusy(_ error: any Error) -> Bool {
        "\(error)".contains("Cannot CHECKPOINT: there are other write transactions active")
    }
}
