public import Logging
public import ServiceLifecycle
import Synchronization
public import TradewatchCore

/// Hands commits to ``MinuteBars`` from a task of its own, so folding trades into bars is not
/// on the committer thread (it cost about 6% of the server's samples there at full ingest).
///
/// `submit` only queues. Candles requests wait (up to 100 ms) for the bars to reach the
/// writer's last commit and use SQL if they do not, so answers stay current either way. The
/// queue is bounded in rows: past the bound the queued commits are dropped and the bars marked
/// stale, to be read again from DuckDB by the next candles request, instead of holding memory.
public final class MinuteBarsFeed: Service, Sendable {
    private struct State {
        var queue: [(sequence: Int64, batches: [ColumnarBatch])] = []
        var queuedRows = 0
        var stopped = false
        var overflows = 0
    }

    private let bars: MinuteBars
    private let maxQueuedRows: Int
    private let logger: Logger
    private let state = Mutex(State())
    private let wake = WakeSignal()

    public init(bars: MinuteBars, maxQueuedRows: Int = 2_000_000, logger: Logger) {
        self.bars = bars
        self.maxQueuedRows = maxQueuedRows
        self.logger = logger
    }

    /// Times the queue overflowed and the bars had to be read again.
    public var overflows: Int { state.withLock { $0.overflows } }

    /// Queues the commit's trades and candles (the only tables the bars read); returns at once.
    /// A commit without either is queued too, empty: the bars must still learn its sequence, or
    /// requests would wait for a commit that never reaches them.
    public func submit(sequence: Int64, batches: [ColumnarBatch]) {
        guard bars.isEnabled else { return }
        let kept = batches.filter { ($0.table == .trades || $0.table == .candles) && $0.rowCount > 0 }
        let rows = kept.reduce(0) { $0 + $1.rowCount }
        let (accepted, overflowed) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopped else { return (false, false) }
            var overflowed = false
            if state.queuedRows + rows > maxQueuedRows, !state.queue.isEmpty {
                state.queue.removeAll()
                state.queuedRows = 0
                state.overflows += 1
                overflowed = true
            }
            state.queue.append((sequence, kept))
            state.queuedRows += rows
            return (true, overflowed)
        }
        if overflowed {
            // The dropped commits are in DuckDB: reading the bars again picks them up.
            bars.markStale()
            logger.warning(
                "minute bars fell behind ingestion: they will be read again from the store",
                metadata: ["event": "minute_bars.overflow", "sequence": "\(sequence)"])
        }
        if accepted { wake.fire() }
    }

    /// Folds queued commits in order until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while let commits = await self.next() {
                for commit in commits { self.bars.record(sequence: commit.sequence, batches: commit.batches) }
            }
        }
        state.withLock { $0.stopped = true }
    }

    /// Every queued commit, oldest first, waiting for one; `nil` when cancelled.
    private func next() async -> [(sequence: Int64, batches: [ColumnarBatch])]? {
        while !Task.isCancelled {
            let commits = state.withLock { state -> [(sequence: Int64, batches: [ColumnarBatch])] in
                defer {
                    state.queue = []
                    state.queuedRows = 0
                }
                return state.queue
            }
            if !commits.isEmpty { return commits }
            await wake.wait()
        }
        return nil
    }
}
